import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from '../exec/run';
import { parseYaml } from '../model/yaml';
import { parseAllDocuments, parseDocument } from 'yaml';
import { byteOrder, canonicalJson } from '../model/names';
import { KubeObject } from '../model/objects';
import { BundleContext, IBundleSource, SourceError, SynthesisRun } from '../model/source';
import { displayPath, objectsOf, runState } from './common';
import { describeValue, mergeValues, ValueLayer, Values } from '../model/values';

/** How often the real tools ran in this process: the cache makes these far fewer than clusters. */

/** Deep-merges values, later layers winning (maps merge, everything else replaces). */
export function deepMergeValues(...layers: readonly Values[]): Values {
  return mergeValues(layers.map((values, i) => ({ origin: { layer: ValueLayer.BUNDLE, source: `layer ${i}` }, values }))).values;
}

/** SHA-256 over every file (path and bytes) under a file or folder, in byte order of paths. */
export function contentHash(fileOrDir: string): string {
  const h = createHash('sha256');
  const visit = (p: string, rel: string): void => {
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(p).sort(byteOrder)) visit(path.join(p, name), `${rel}/${name}`);
    } else {
      h.update(`${rel}\0${st.size}\0`);
      h.update(fs.readFileSync(p));
    }
  };
  visit(fileOrDir, '');
  return h.digest('hex');
}

/** {@link contentHash} of a path, computed once per `memo` (a source's lifetime). */
export function hashOnce(memo: Map<string, string>, fileOrDir: string): string {
  let h = memo.get(fileOrDir);
  if (h === undefined) {
    h = contentHash(fileOrDir);
    memo.set(fileOrDir, h);
  }
  return h;
}

/** Runs a toolchain binary; a missing binary is a clear error. */
function runTool(tool: string, args: readonly string[], subject: string, cwd?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(tool, args, { cwd });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new SourceError(subject, `${tool} is not on PATH; run \`bash toolchain/setup.sh --only ${tool} && source toolchain/env.sh\``);
  }
  if (r.error) throw new SourceError(subject, `${tool} failed to start: ${r.error.message}`);
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** Parses multi-document YAML tool output into objects, skipping empty documents. */
export function parseManifests(text: string, subject: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      throw new SourceError(
        subject,
        `produced invalid YAML: ${doc.errors[0].message.split('\n')[0]}; check the chart's templates or the kustomization that produced it`,
      );
    }
    let v: KubeObject | null;
    try {
      v = doc.toJS() as KubeObject | null;
    } catch (e) {
      throw new SourceError(
        subject,
        `produced YAML that cannot be read: ${(e as Error).message.split('\n')[0]}; check the chart's templates`,
      );
    }
    if (v && typeof v === 'object' && typeof v.kind === 'string') out.push(...objectsOf(v, `document ${out.length + 1}`, subject));
  }
  return out;
}

/** A chart reference that would need the network (a URL, an OCI reference, a repository). */
export function remoteChart(chart: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(chart) || /^(oci|git|git::|s3|gcs)[:]/.test(chart) || /^github\.com\//.test(chart);
}

const tempRoot = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'fleetwright-render-'));

/** Kustomize on top of another source's output, as Fleet does for a bundle with both. */
export interface KustomizeOptions {
  /**
   * Folder with the `kustomization.yaml` to build, or a function choosing it per cluster (a target
   * customization pointing clusters at different overlays).
   */
  readonly dir: string | ((ctx: BundleContext) => string);
  /**
   * Folder copied around the kustomization so it can reach `../base` and other files; `dir` must
   * be inside it.
   *
   * @default - `dir` itself
   */
  readonly root?: string;
}

/** Options of {@link Source.helm}. */
export interface HelmSourceOptions {
  /** A local chart folder (with `Chart.yaml`) or a packaged chart (`.tgz`). Remote charts are refused: vendor them. */
  readonly chart: string;
  /**
   * Helm release name.
   *
   * @default - the bundle name
   */
  readonly releaseName?: string;
  /**
   * Values files, lowest precedence first, merged over the chart's own `values.yaml`.
   *
   * @default []
   */
  readonly valuesFiles?: readonly string[];
  /**
   * Values over the values files.
   *
   * @default {}
   */
  readonly values?: Values;
  /**
   * The per-cluster values, merged last (Fleet's per-target values). The default takes the bundle's
   * effective values (bundle < group < overlay < customization < cluster).
   *
   * @default - ctx.values
   */
  readonly clusterValues?: (ctx: BundleContext) => Values;
  /**
   * Kustomize run over the chart's output (Fleet's Helm + Kustomize bundles).
   *
   * @default - none
   */
  readonly kustomize?: KustomizeOptions;
}

/** Reads a Helm values file (a YAML map); a missing or malformed file is a clear error. */
export function readValuesFile(file: string, subject: string): Values {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new SourceError(subject, `values file ${displayPath(file)} does not exist; fix the path in valuesFiles`);
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new SourceError(`file ${displayPath(file)}`, `${doc.errors[0].message.split('\n')[0]}; fix the YAML syntax`);
  }
  let v: unknown;
  try {
    v = doc.toJS();
  } catch (e) {
    throw new SourceError(
      `file ${displayPath(file)}`,
      `${(e as Error).message.split('\n')[0]}; fix the YAML: remove the aliases (*name) or expand them`,
    );
  }
  if (v == null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw new SourceError(
      `file ${displayPath(file)}`,
      `is ${Array.isArray(v) ? 'a list' : `a ${typeof v}`}, not a map of values; write the values as key: value lines (e.g. replicas: 3)`,
    );
  }
  return v as Values;
}

/** A file written into a kustomization folder before the build and put first in its `resources`. */
export interface KustomizeExtra {
  /** File name. */
  readonly name: string;
  /** Produces the file's content (called only when the build is not cached). */
  readonly text: () => string;
  /** Identifies the content in the cache. */
  readonly key: string;
}

/**
 * Runs `kustomize build` on a folder, once per distinct folder content (and `extra` file).
 *
 * @param hashes the caller's memo of folder content hashes
 * @param extra a file to add to the kustomization before building
 */
export function kustomizeBuild(
  dir: string,
  root: string,
  subject: string,
  hashes: Map<string, string>,
  run: SynthesisRun | undefined,
  extra?: KustomizeExtra,
): KubeObject[] {
  const absDir = path.resolve(dir);
  const absRoot = path.resolve(root);
  if (!fs.existsSync(path.join(absDir, 'kustomization.yaml')) && !fs.existsSync(path.join(absDir, 'kustomization.yml'))) {
    throw new SourceError(subject, `${displayPath(absDir)} has no kustomization.yaml; point kustomize.dir at a Kustomize folder`);
  }
  const rel = path.relative(absRoot, absDir);
  if (rel.startsWith('..'))
    throw new SourceError(
      subject,
      `kustomize dir ${displayPath(absDir)} is outside its root ${displayPath(absRoot)}; move it inside the root, or choose a root that contains it`,
    );
  const key = canonicalJson([hashOnce(hashes, absRoot), rel, extra ? [extra.name, extra.key] : null]);
  const build = (): KubeObject[] => {
    let workDir = absDir;
    let tmp: string | undefined;
    try {
      if (extra) {
        tmp = tempRoot();
        fs.cpSync(absRoot, tmp, { recursive: true });
        workDir = path.join(tmp, rel);
        fs.writeFileSync(path.join(workDir, extra.name), extra.text());
        const kfile = ['kustomization.yaml', 'kustomization.yml'].map((f) => path.join(workDir, f)).find((f) => fs.existsSync(f)) as string;
        const k = (parseYaml(fs.readFileSync(kfile, 'utf8')) ?? {}) as { resources?: string[] };
        k.resources = [extra.name, ...(k.resources ?? [])];
        fs.writeFileSync(kfile, JSON.stringify(k));
      }
      if (run) run.stats.kustomizeBuild++;
      const r = runTool('kustomize', ['build', workDir], subject);
      if (r.code !== 0) {
        throw new SourceError(
          subject,
          `kustomize build ${displayPath(absDir)} failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}; fix the kustomization`,
        );
      }
      return parseManifests(r.stdout, subject);
    } finally {
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    }
  };
  return structuredClone(run ? run.cached('kustomize', key, build) : build());
}

class HelmSource implements IBundleSource {
  public readonly description: string;
  private readonly chart: string;

  constructor(private readonly opts: HelmSourceOptions) {
    // Options from JavaScript or data are checked on render, where the problem is reported with the others.
    const chart = typeof opts?.chart === 'string' ? opts.chart : '';
    this.chart = remoteChart(chart) ? chart : path.resolve(chart);
    this.description = typeof opts?.chart === 'string' ? `helm ${remoteChart(chart) ? chart : displayPath(this.chart)}` : 'helm';
  }

  /** Checks the options and the chart and reads the values files (once per run). */
  private load(subject: string): Values[] {
    const { chart, values, valuesFiles } = (this.opts ?? {}) as Partial<Record<keyof HelmSourceOptions, unknown>>;
    if (typeof chart !== 'string' || chart === '') {
      throw new SourceError(
        subject,
        `chart is ${chart === undefined ? 'missing' : describeValue(chart)}; pass the path of a chart folder or a packaged .tgz: Source.helm({ chart: './charts/web' })`,
      );
    }
    if (values !== undefined && (values === null || typeof values !== 'object' || Array.isArray(values))) {
      throw new SourceError(subject, `values is ${describeValue(values)}, not a map of values; pass a map such as values: { replicas: 3 }`);
    }
    if (valuesFiles !== undefined && (!Array.isArray(valuesFiles) || !valuesFiles.every((f) => typeof f === 'string'))) {
      throw new SourceError(
        subject,
        `valuesFiles is ${describeValue(valuesFiles)}; pass a list of paths such as valuesFiles: ['values-prod.yaml']`,
      );
    }
    if (remoteChart(this.opts.chart)) {
      throw new SourceError(
        subject,
        `chart '${this.opts.chart}' needs the network; vendor it into the repository (\`helm pull <chart> --untar -d charts/\`) and point chart at the folder`,
      );
    }
    if (!fs.existsSync(this.chart)) {
      throw new SourceError(
        subject,
        `chart ${displayPath(this.chart)} does not exist; give a chart folder with Chart.yaml or a packaged .tgz`,
      );
    }
    if (fs.statSync(this.chart).isDirectory() && !fs.existsSync(path.join(this.chart, 'Chart.yaml'))) {
      throw new SourceError(subject, `${displayPath(this.chart)} has no Chart.yaml; give a chart folder or a packaged .tgz`);
    }
    return (this.opts.valuesFiles ?? []).map((f) => readValuesFile(path.resolve(f), subject));
  }

  public render(ctx: BundleContext): KubeObject[] {
    const subject = `${this.description} of bundle '${ctx.bundle}'`;
    // The checked values files and the chart's content hash, once per run.
    const state = runState(ctx, this, () => ({ files: this.load(subject), hashes: new Map<string, string>() }));
    const files = state.files;
    const values = deepMergeValues(...files, this.opts.values ?? {}, (this.opts.clusterValues ?? ((c) => c.values))(ctx));
    const release = this.opts.releaseName ?? ctx.bundle;
    const key = canonicalJson([hashOnce(state.hashes, this.chart), values, ctx.namespace, release]);
    const template = (): KubeObject[] => {
      if (ctx.run) ctx.run.stats.helmTemplate++;
      return this.template(values, ctx.namespace, release, subject);
    };
    const objects = ctx.run ? ctx.run.cached('helm', key, template) : template();
    if (!this.opts.kustomize) return structuredClone(objects);
    const k = this.opts.kustomize;
    const dir = typeof k.dir === 'function' ? k.dir(ctx) : k.dir;
    const rendered = objects;
    return kustomizeBuild(dir, k.root ?? dir, subject, state.hashes, ctx.run, {
      name: 'fleet-manifests.yaml',
      key,
      text: () => rendered.map((o) => `---\n${JSON.stringify(o)}\n`).join(''),
    });
  }

  private template(values: Values, namespace: string, release: string, subject: string): KubeObject[] {
    const tmp = tempRoot();
    try {
      const valuesFile = path.join(tmp, 'values.json');
      fs.writeFileSync(valuesFile, JSON.stringify(values));
      const r = runTool(
        'helm',
        ['template', release, this.chart, '--namespace', namespace, '--values', valuesFile, '--include-crds', '--skip-tests'],
        subject,
      );
      if (r.code !== 0) {
        // helm's message on one line: the CLI prints one line per problem.
        const msg = r.stderr
          .trim()
          .replace(/^Error: /, '')
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l !== '')
          .join(' ');
        if (/missing in charts\/ directory|no repository definition|repo .* not found/i.test(msg)) {
          throw new SourceError(
            subject,
            `${msg}; the chart's dependencies need the network: vendor them (\`helm dependency build\`) into its charts/ folder`,
          );
        }
        throw new SourceError(subject, `helm template failed: ${msg}; fix the chart or its values`);
      }
      return parseManifests(r.stdout, subject);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
}

class KustomizeSource implements IBundleSource {
  public readonly description: string;

  constructor(private readonly opts: KustomizeOptions) {
    this.description = `kustomize ${typeof opts.dir === 'string' ? displayPath(path.resolve(opts.dir)) : '(per cluster)'}`;
  }

  public render(ctx: BundleContext): KubeObject[] {
    const dir = typeof this.opts.dir === 'function' ? this.opts.dir(ctx) : this.opts.dir;
    const hashes = runState(ctx, this, () => new Map<string, string>());
    return kustomizeBuild(dir, this.opts.root ?? dir, `${this.description} of bundle '${ctx.bundle}'`, hashes, ctx.run);
  }
}

/** A Helm chart rendered with the real `helm template`, once per distinct chart, values, namespace and release. */
export function helmSource(opts: HelmSourceOptions): IBundleSource {
  return new HelmSource(opts);
}

/** A Kustomize folder built with the real `kustomize`, once per distinct folder content. */
export function kustomizeSource(opts: KustomizeOptions): IBundleSource {
  return new KustomizeSource(opts);
}
