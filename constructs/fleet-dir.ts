import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyPatch, Operation } from 'fast-json-patch';
import picomatch from 'picomatch';
import { isMap as isYamlMap, isSeq, LineCounter, parseDocument, Node as YamlNode } from 'yaml';
import type { BundleProps } from './bundle';
import { FleetValidationError, Problem, Severity } from './errors';
import { deepMergeValues, helmSource, kustomizeBuild, parseManifests, readValuesFile, remoteChart } from './helm';
import { byteOrder } from './names';
import { KubeObject } from './objects';
import type { BundleContext, IBundleSource } from './sources';
import { displayPath, SourceError } from './sources';
import type { BundleTarget, TargetCriteria, TargetCustomization } from './targeting';
import { TargetCustomizationMode } from './targeting';
import { JsonValue, Values } from './values';

/** Options a Fleet target customization can carry (the subset fleetwright renders). */
export interface FleetOptions {
  /** `helm:` options. */
  readonly helm?: {
    readonly chart?: string;
    readonly repo?: string;
    readonly version?: string;
    readonly releaseName?: string;
    readonly values?: Values;
    readonly valuesFiles?: readonly string[];
    readonly templateValues?: Readonly<Record<string, string>>;
  };
  /** `kustomize:` options. */
  readonly kustomize?: { readonly dir?: string };
  /** `yaml:` options. */
  readonly yaml?: { readonly overlays?: readonly string[] };
  /** Namespace for objects without one. */
  readonly defaultNamespace?: string;
  /** Namespace forced on every object. */
  readonly namespace?: string;
}

/** One `targetCustomizations` (or `targets`) entry of a fleet.yaml. */
export interface FleetTarget extends FleetOptions, TargetCriteria {
  /** Entry name (`target000`… when absent). */
  readonly name: string;
  /** Excludes matching clusters. */
  readonly doNotDeploy?: boolean;
}

/** A parsed, checked fleet.yaml. */
export interface FleetYaml extends FleetOptions {
  /** Bundle name override. */
  readonly name?: string;
  /** Bundle labels. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Bundles this one waits for, by name. */
  readonly dependsOn?: readonly { readonly name?: string; readonly selector?: unknown }[];
  /** `FirstMatch` (default) or `AllMatches`. */
  readonly targetCustomizationMode?: 'FirstMatch' | 'AllMatches';
  /** Per-target customizations, in order. */
  readonly targetCustomizations: readonly FleetTarget[];
  /** Targets (for bundles applied without a GitRepo). */
  readonly targets: readonly FleetTarget[];
  /** Keys Fleet knows that fleetwright ignores, as `key (line N)`. */
  readonly ignored: readonly string[];
}

const OPTION_KEYS = ['helm', 'kustomize', 'yaml', 'defaultNamespace', 'namespace'];
/** Fleet keys that change how Fleet's agent installs, not what is rendered: accepted and ignored. */
const IGNORED_KEYS = [
  'namespaceLabels',
  'namespaceAnnotations',
  'createNamespace',
  'serviceAccount',
  'diff',
  'ignore',
  'correctDrift',
  'keepResources',
  'deleteNamespace',
  'deleteCRDResources',
  'forceSyncGeneration',
  'downstreamResources',
  'paused',
  'rolloutStrategy',
  'overrideTargets',
  'imageScans',
];
const TOP_KEYS = ['name', 'labels', 'dependsOn', 'targetCustomizationMode', 'targetCustomizations', 'targets', ...OPTION_KEYS];
const TARGET_KEYS = ['name', 'clusterName', 'clusterSelector', 'clusterGroup', 'clusterGroupSelector', 'doNotDeploy', ...OPTION_KEYS];
const HELM_KEYS = ['chart', 'repo', 'version', 'releaseName', 'values', 'valuesFiles', 'templateValues'];
const HELM_IGNORED = [
  'valuesFrom',
  'timeoutSeconds',
  'waitForJobs',
  'atomic',
  'force',
  'takeOwnership',
  'maxHistory',
  'disablePreProcess',
  'disableDNS',
  'skipSchemaValidation',
  'disableDependencyUpdate',
];

/**
 * Fleet's bundle name for a folder name: lower-cased, characters outside `[a-z0-9-]` replaced by
 * `-`, dashes collapsed and trimmed, at most 53 characters.
 */
export function fleetBundleName(folder: string): string {
  const n = folder
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  return n.slice(0, 53).replace(/-$/, '') || 'bundle';
}

/** The fleet.yaml (or fleet.yml) of a Fleet bundle folder. */
export function fleetYamlPath(dir: string): string | undefined {
  return ['fleet.yaml', 'fleet.yml'].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
}

/**
 * Reads and checks a bundle folder's fleet.yaml: every unknown key and wrong type is reported at
 * once, with its line.
 *
 * @throws FleetValidationError listing every problem of the file
 */
export function readFleetYaml(dir: string): FleetYaml {
  const file = fleetYamlPath(dir);
  if (!file) return { targetCustomizations: [], targets: [], ignored: [] };
  const subject = `file ${displayPath(file)}`;
  const text = fs.readFileSync(file, 'utf8');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const problems: Problem[] = [];
  const ignored: string[] = [];
  const lineOf = (node: unknown): number => lines.linePos((node as YamlNode | undefined)?.range?.[0] ?? 0).line;
  const fail = (node: unknown, message: string): void => {
    problems.push({ severity: Severity.ERROR, subject, message: `line ${lineOf(node)}: ${message}` });
  };
  for (const e of doc.errors)
    problems.push({
      severity: Severity.ERROR,
      subject,
      message: `line ${e.linePos?.[0].line ?? '?'}: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}; fix the YAML syntax`,
    });
  if (problems.length > 0) throw new FleetValidationError(path.basename(dir), problems);

  const checkKeys = (node: unknown, where: string, known: readonly string[], skip: readonly string[]): void => {
    if (!isYamlMap(node)) {
      if (node !== null && node !== undefined) fail(node, `${where} must be a map`);
      return;
    }
    for (const pair of node.items) {
      const key = String((pair.key as { value?: unknown }).value);
      if (known.includes(key)) continue;
      if (skip.includes(key)) ignored.push(`${where ? `${where}.` : ''}${key} (line ${lineOf(pair.key)})`);
      else fail(pair.key, `unknown key '${where ? `${where}.` : ''}${key}'; fleet.yaml allows ${known.join(', ')}`);
    }
  };
  const root = doc.contents;
  checkKeys(root, '', TOP_KEYS, IGNORED_KEYS);
  const checkOptions = (node: unknown, where: string): void => {
    if (!isYamlMap(node)) return;
    const helm = node.get('helm', true);
    if (helm) checkKeys(helm, `${where}helm`, HELM_KEYS, HELM_IGNORED);
    const kustomize = node.get('kustomize', true);
    if (kustomize) checkKeys(kustomize, `${where}kustomize`, ['dir'], []);
    const yaml = node.get('yaml', true);
    if (yaml) checkKeys(yaml, `${where}yaml`, ['overlays'], []);
  };
  checkOptions(root, '');
  const list = (key: string): FleetTarget[] => {
    if (!isYamlMap(root)) return [];
    const seq = root.get(key, true);
    if (seq === undefined || seq === null) return [];
    if (!isSeq(seq)) {
      fail(seq, `${key} must be a list`);
      return [];
    }
    return seq.items.map((item, i) => {
      checkKeys(item, `${key}[${i}]`, TARGET_KEYS, IGNORED_KEYS);
      checkOptions(item, `${key}[${i}].`);
      const t = ((item as { toJSON?: () => unknown }).toJSON?.() ?? {}) as Partial<FleetTarget>;
      return { ...t, name: t.name ?? `target${String(i).padStart(3, '0')}` };
    });
  };
  const spec = (doc.toJS() ?? {}) as Partial<FleetYaml>;
  const targetCustomizations = list('targetCustomizations');
  const targets = list('targets');
  if (spec.targetCustomizationMode !== undefined && !['FirstMatch', 'AllMatches'].includes(spec.targetCustomizationMode)) {
    fail(isYamlMap(root) ? root.get('targetCustomizationMode', true) : root, `targetCustomizationMode must be FirstMatch or AllMatches`);
  }
  if (problems.length > 0) throw new FleetValidationError(path.basename(dir), problems);
  return { ...spec, targetCustomizations, targets, ignored } as FleetYaml;
}

/** `.fleetignore` rules in effect for one folder: its own and its parents'. */
function ignoredBy(rules: readonly ((name: string) => boolean)[], name: string): boolean {
  return rules.some((r) => r(name));
}

function readIgnore(dir: string): ((name: string) => boolean)[] {
  const file = path.join(dir, '.fleetignore');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.replace(/(?<!\\)\s+$/, '').replace(/\\ /g, ' '))
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((glob) => {
      const g = glob.replace(/\/\*$/, '');
      const m = picomatch(g, { dot: true });
      return (name: string) => m(name);
    });
}

/** Every file Fleet would embed in the bundle, relative to `dir`, in byte order (hidden files and `.fleetignore` matches excluded). */
export function bundleFiles(dir: string, exclude: readonly string[] = []): string[] {
  const out: string[] = [];
  const walk = (abs: string, rel: string, rules: readonly ((name: string) => boolean)[]): void => {
    const here = [...rules, ...readIgnore(abs)];
    for (const entry of fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => byteOrder(a.name, b.name))) {
      if (entry.name.startsWith('.') || ignoredBy(here, entry.name)) continue;
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(abs, entry.name), r, here);
      else if (!exclude.includes(r)) out.push(r);
    }
  };
  walk(dir, '', []);
  return out;
}

const isPlainMap = (v: unknown): v is Record<string, JsonValue> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * A merge patch with Kubernetes' list-merge rule for lists of named items (containers, ports, env,
 * volumes): items with the same `name` merge, others are appended. Fleet applies a strategic merge
 * patch to built-in kinds and a JSON merge patch to others; this covers both for the common cases.
 */
export function mergePatch(target: JsonValue, patch: JsonValue): JsonValue {
  if (!isPlainMap(patch)) return patch;
  const out: Record<string, JsonValue> = isPlainMap(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (Array.isArray(v) && Array.isArray(out[k]) && v.every((x) => isPlainMap(x) && typeof x.name === 'string')) {
      const merged = [...(out[k] as JsonValue[])];
      for (const item of v as Record<string, JsonValue>[]) {
        const i = merged.findIndex((m) => isPlainMap(m) && m.name === item.name);
        if (i >= 0) merged[i] = mergePatch(merged[i], item);
        else merged.push(item);
      }
      out[k] = merged;
    } else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** The effective options for one cluster: root options, then each matched customization on top. */
function effectiveOptions(spec: FleetYaml, matched: readonly FleetTarget[]): FleetOptions {
  let o: FleetOptions = spec;
  for (const t of matched) {
    o = {
      defaultNamespace: t.defaultNamespace || o.defaultNamespace,
      namespace: t.namespace || o.namespace,
      helm: {
        ...o.helm,
        // values and valuesFiles are layered in render(), in Fleet's order.
        ...Object.fromEntries(Object.entries(t.helm ?? {}).filter(([k, v]) => k !== 'values' && k !== 'valuesFiles' && v !== '')),
      },
      kustomize: t.kustomize?.dir ? t.kustomize : o.kustomize,
      yaml: { overlays: [...(o.yaml?.overlays ?? []), ...(t.yaml?.overlays ?? [])] },
    };
  }
  return o;
}

/** Fleet's per-cluster templating of Helm values: `global.fleet.clusterLabels.X` and simple `${ }` expressions. */
export function templateValues(values: JsonValue, ctx: BundleContext, subject: string): JsonValue {
  const labels = ctx.cluster.labels;
  const expr = (e: string): string => {
    const x = e.trim();
    if (x === '.ClusterName') return ctx.cluster.name;
    if (x === '.ClusterNamespace') return ctx.namespace;
    let m = /^\.ClusterLabels\.([A-Za-z0-9_]+)$/.exec(x);
    if (m) {
      if (labels[m[1]] === undefined) throw new SourceError(subject, `\${ ${x} }: cluster ${ctx.cluster.name} has no label '${m[1]}'`);
      return labels[m[1]];
    }
    m = /^index \.ClusterLabels "([^"]+)"$/.exec(x);
    if (m) return labels[m[1]] ?? '';
    throw new SourceError(
      subject,
      `\${ ${x} } is a template fleetwright does not evaluate; use .ClusterName, .ClusterLabels.<key> or a target customization`,
    );
  };
  const walk = (v: JsonValue): JsonValue => {
    if (typeof v === 'string') {
      const m = /^global\.fleet\.clusterLabels\.(.+)$/.exec(v);
      if (m) return labels[m[1]] ?? '';
      return v.replace(/\$\{(?!`)([^}]*)\}/g, (_, e: string) => expr(e));
    }
    if (Array.isArray(v)) return v.map(walk);
    if (isPlainMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(values);
}

/** The key under `ctx.values` that carries which customizations matched a cluster. */
export const FLEET_VALUES_KEY = 'fleetCustomizations';

/**
 * Renders a Fleet bundle folder for one cluster the way Fleet's agent does: Helm if there is a
 * chart, then Kustomize if there is a kustomization, else raw YAML with overlays and `_patch`
 * files.
 */
export class FleetDirectorySource implements IBundleSource {
  public readonly description: string;
  private readonly rawCache = new Map<string, KubeObject[]>();
  private readonly hashes = new Map<string, string>();
  private readonly valuesFiles = new Map<string, Values>();
  /** One Helm source per distinct chart setup, so its chart is checked and hashed once. */
  private readonly helmSources = new Map<string, IBundleSource>();

  constructor(
    private readonly dir: string,
    private readonly spec: FleetYaml,
  ) {
    this.description = `fleet bundle ${displayPath(dir)}`;
  }

  public render(ctx: BundleContext): KubeObject[] {
    const subject = `${this.description} of bundle '${ctx.bundle}'`;
    const names = Object.keys((ctx.values[FLEET_VALUES_KEY] as Record<string, JsonValue> | undefined) ?? {});
    const matched = this.spec.targetCustomizations.filter((t) => names.includes(t.name));
    const o = effectiveOptions(this.spec, matched);
    const clusterValues = Object.fromEntries(Object.entries(ctx.values).filter(([k]) => k !== FLEET_VALUES_KEY));
    const chartDir = o.helm?.chart ?? (o.helm?.repo ? undefined : '.');
    if (o.helm?.repo || (o.helm?.chart && remoteChart(o.helm.chart))) {
      throw new SourceError(
        subject,
        `chart '${o.helm?.repo ? `${o.helm.repo} ${o.helm.chart ?? ''}`.trim() : o.helm?.chart}' needs the network; vendor it into the bundle folder (\`helm pull --untar\`) and set helm.chart to its path`,
      );
    }
    const kdir = path.resolve(this.dir, o.kustomize?.dir ?? '.');
    const hasKustomize = fs.existsSync(path.join(kdir, 'kustomization.yaml'));
    if (chartDir !== undefined && (fs.existsSync(path.join(this.dir, chartDir, 'Chart.yaml')) || chartDir.endsWith('.tgz'))) {
      const chartPath = path.resolve(this.dir, chartDir);
      if (!fs.existsSync(chartPath)) throw new SourceError(subject, `helm.chart ${chartDir} does not exist in the bundle folder`);
      // Fleet's order: root values < root valuesFiles < each matched customization's values < its valuesFiles.
      const layers = [this.spec, ...matched].flatMap((l) => [
        l.helm?.values ?? {},
        ...(l.helm?.valuesFiles ?? []).map((f) => this.valuesFile(f, subject)),
      ]);
      const values = templateValues(deepMergeValues(...layers, clusterValues), ctx, subject) as Record<string, JsonValue>;
      // templateValues: each templated, then parsed as YAML, replaces a top-level key.
      for (const [k, v] of Object.entries(o.helm?.templateValues ?? {})) {
        values[k] = parseDocument(String(templateValues(v, ctx, subject))).toJS() as JsonValue;
      }
      const release = o.helm?.releaseName;
      const key = JSON.stringify([chartPath, release ?? null, hasKustomize ? kdir : null]);
      let source = this.helmSources.get(key);
      if (!source) {
        source = helmSource({
          chart: chartPath,
          releaseName: release,
          ...(hasKustomize ? { kustomize: { dir: kdir, root: this.dir } } : {}),
        });
        this.helmSources.set(key, source);
      }
      return source.render({ ...ctx, values });
    }
    if (o.helm?.chart) {
      const exists = fs.existsSync(path.resolve(this.dir, o.helm.chart));
      throw new SourceError(
        subject,
        `helm.chart ${o.helm.chart} ${exists ? 'has no Chart.yaml' : 'does not exist in the bundle folder'}; vendor the chart there (\`helm pull --untar\`) and point helm.chart at it`,
      );
    }
    if (o.kustomize?.dir && !hasKustomize) {
      throw new SourceError(subject, `kustomize.dir ${o.kustomize.dir} has no kustomization.yaml`);
    }
    if (hasKustomize) return kustomizeBuild(kdir, this.dir, subject, this.hashes);
    return this.raw(o.yaml?.overlays ?? [], subject);
  }

  /** A values file of the bundle folder, read once. */
  private valuesFile(file: string, subject: string): Values {
    let v = this.valuesFiles.get(file);
    if (!v) {
      v = readValuesFile(path.resolve(this.dir, file), subject);
      this.valuesFiles.set(file, v);
    }
    return v;
  }

  /** Raw YAML: overlays applied in order, then every YAML/JSON resource file parsed. */
  private raw(overlays: readonly string[], subject: string): KubeObject[] {
    const key = JSON.stringify(overlays);
    const hit = this.rawCache.get(key);
    if (hit) return structuredClone(hit);
    const exclude = [path.basename(fleetYamlPath(this.dir) ?? 'fleet.yaml')];
    const all = bundleFiles(this.dir, exclude);
    const files = new Map<string, string>(
      all.filter((f) => !f.startsWith('overlays/')).map((f) => [f, fs.readFileSync(path.join(this.dir, f), 'utf8')]),
    );
    for (const name of overlays) {
      const prefix = `overlays/${name}/`;
      if (!fs.existsSync(path.join(this.dir, 'overlays', name))) {
        throw new SourceError(subject, `overlay '${name}' does not exist; create overlays/${name}/ or remove it from yaml.overlays`);
      }
      for (const f of all.filter((x) => x.startsWith(prefix))) {
        const rel = f.slice(prefix.length);
        const text = fs.readFileSync(path.join(this.dir, f), 'utf8');
        const base = path.basename(rel);
        if (!base.includes('_patch.')) {
          files.set(rel, text);
          continue;
        }
        const targetRel = path.posix.join(path.posix.dirname(rel), base.replace('_patch.', '.'));
        const current = files.get(targetRel);
        if (current === undefined)
          throw new SourceError(`file ${f}`, `failed to find base file ${targetRel} to patch; add it or rename the patch`);
        const doc = parseDocument(current).toJS() as JsonValue;
        const patch = parseDocument(text).toJS() as JsonValue;
        let result: JsonValue;
        try {
          result = Array.isArray(patch)
            ? (applyPatch(structuredClone(doc), patch as unknown as Operation[], true, false).newDocument as JsonValue)
            : mergePatch(doc, patch);
        } catch (e) {
          throw new SourceError(`file ${f}`, `cannot patch ${targetRel}: ${(e as Error).message.split('\n')[0]}; fix the patch`);
        }
        files.set(targetRel, JSON.stringify(result));
      }
    }
    const nested = all
      .filter((f) => /(^|\/)(fleet\.ya?ml|Chart\.yaml)$/.test(f) && f.includes('/'))
      .map((f) => `${path.posix.dirname(f)}/`);
    const objects = [...files.entries()]
      .filter(([f]) => /\.(ya?ml|json)$/.test(f) && !nested.some((n) => f.startsWith(n)))
      .sort(([a], [b]) => byteOrder(a, b))
      .flatMap(([f, text]) => parseManifests(text, `file ${f}`).filter((o) => typeof o.apiVersion === 'string'));
    this.rawCache.set(key, objects);
    return structuredClone(objects);
  }
}

/** A fleet.yaml target entry as a fleetwright target (criteria and `doNotDeploy`). */
function criteria(t: FleetTarget): BundleTarget {
  return {
    name: t.name,
    ...(t.clusterName ? { clusterName: t.clusterName } : {}),
    ...(t.clusterSelector ? { clusterSelector: t.clusterSelector } : {}),
    ...(t.clusterGroup ? { clusterGroup: t.clusterGroup } : {}),
    ...(t.clusterGroupSelector ? { clusterGroupSelector: t.clusterGroupSelector } : {}),
    ...(t.doNotDeploy ? { doNotDeploy: true } : {}),
  };
}

/** Options of `Bundle.fromFleetDirectory`. */
export interface FleetDirectoryOptions {
  /**
   * Where the bundle goes (a GitRepo's `targets`); fleet.yaml `targets` are used when present.
   *
   * @default - fleet.yaml `targets`, else Fleet's default: the cluster group `default`
   */
  readonly targets?: readonly BundleTarget[];
}

/** The props of a bundle read from a Fleet bundle folder. */
export function fleetDirectoryProps(
  dir: string,
  options: FleetDirectoryOptions = {},
): BundleProps & { readonly ignored: readonly string[] } {
  const abs = path.resolve(dir);
  if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) {
    throw new FleetValidationError(path.basename(abs), [
      { severity: Severity.ERROR, subject: `folder ${displayPath(abs)}`, message: 'does not exist; give a Fleet bundle folder' },
    ]);
  }
  const spec = readFleetYaml(abs);
  const customizations: TargetCustomization[] = spec.targetCustomizations.map((t) => ({
    ...criteria(t),
    ...(t.defaultNamespace ? { defaultNamespace: t.defaultNamespace } : {}),
    ...(t.namespace ? { namespace: t.namespace } : {}),
    values: { [FLEET_VALUES_KEY]: { [t.name]: true } },
  }));
  const targets =
    spec.targets.length > 0 ? spec.targets.map(criteria) : (options.targets ?? [{ name: 'default', clusterGroup: 'default' }]);
  return {
    name: spec.name,
    labels: spec.labels,
    defaultNamespace: spec.defaultNamespace,
    namespace: spec.namespace,
    dependsOn: (spec.dependsOn ?? []).flatMap((d) => (d.name ? [d.name] : [])),
    sources: [new FleetDirectorySource(abs, spec)],
    targets,
    targetCustomizations: customizations,
    targetCustomizationMode:
      spec.targetCustomizationMode === 'AllMatches' ? TargetCustomizationMode.ALL_MATCHES : TargetCustomizationMode.FIRST_MATCH,
    ignored: spec.ignored,
  };
}
