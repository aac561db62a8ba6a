import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyPatch, Operation } from 'fast-json-patch';
import picomatch from 'picomatch';
import { isAlias, isMap as isYamlMap, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument, Node as YamlNode } from 'yaml';
import { Construct } from 'constructs';
import { Bundle, BundleProps } from '../model/bundle';
import { FleetValidationError, Problem, Severity } from '../model/errors';
import { deepMergeValues, helmSource, kustomizeBuild, readValuesFile, remoteChart } from './helm';
import { byteOrder } from '../model/names';
import { closest } from '../model/schemas';
import { KubeObject } from '../model/objects';
import { BundleContext, IBundleSource, SourceError } from '../model/source';
import { displayPath, runState } from './common';
import type { BundleTarget, TargetCriteria, TargetCustomization } from '../model/targeting';
import { TargetCustomizationMode } from '../model/targeting';
import { JsonValue, Values } from '../model/values';

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

/** What a fleet.yaml value must be. */
type Shape = 'string' | 'boolean' | 'map' | 'selector' | 'string map' | 'string list' | 'list';

const OPTION_SHAPES: Record<string, Shape> = {
  helm: 'map',
  kustomize: 'map',
  yaml: 'map',
  defaultNamespace: 'string',
  namespace: 'string',
};
const TOP_SHAPES: Record<string, Shape> = {
  ...OPTION_SHAPES,
  name: 'string',
  labels: 'string map',
  dependsOn: 'list',
  targetCustomizationMode: 'string',
  targetCustomizations: 'list',
  targets: 'list',
};
const TARGET_SHAPES: Record<string, Shape> = {
  ...OPTION_SHAPES,
  name: 'string',
  clusterName: 'string',
  clusterSelector: 'selector',
  clusterGroup: 'string',
  clusterGroupSelector: 'selector',
  doNotDeploy: 'boolean',
};
const HELM_SHAPES: Record<string, Shape> = {
  chart: 'string',
  repo: 'string',
  version: 'string',
  releaseName: 'string',
  values: 'map',
  valuesFiles: 'string list',
  templateValues: 'string map',
};

/** How a YAML node reads in a message: `a list`, `the string 'x'`, `the number 5`. */
function describeNode(node: unknown): string {
  if (isYamlMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    return typeof v === 'string' ? `the string '${v.length > 40 ? `${v.slice(0, 40)}…` : v}'` : `the ${typeof v} ${String(v)}`;
  }
  return 'something else';
}

/** The fix for a value of the wrong shape. */
function shapeFix(key: string, shape: Shape, node: unknown): string {
  const scalar = isScalar(node) ? node.value : undefined;
  switch (shape) {
    case 'string':
      return scalar !== undefined && scalar !== null && typeof scalar !== 'object'
        ? `quote it: ${key}: "${String(scalar)}"`
        : `write a single value, e.g. ${key}: my-value`;
    case 'boolean':
      return `use true or false`;
    case 'selector':
      return typeof scalar === 'string' && /^[^=,\s]+=[^=,\s]*$/.test(scalar)
        ? `a selector is not a string: write ${key}: { matchLabels: { ${scalar.replace('=', ': ')} } }`
        : `write it as a label selector, e.g. ${key}: { matchLabels: { env: prod } }`;
    case 'string list':
      return typeof scalar === 'string' ? `write a list: ${key}: [${scalar}]` : `write a list of strings, e.g. ${key}: [a, b]`;
    case 'list':
      return `write each entry as a list item starting with '- '`;
    default:
      return `write it as key: value lines under ${key}:`;
  }
}

const SHAPE_NAMES: Record<Shape, string> = {
  string: 'a string',
  boolean: 'true or false',
  map: 'a map',
  selector: 'a label selector (a map with matchLabels and/or matchExpressions)',
  'string map': 'a map of strings',
  'string list': 'a list of strings',
  list: 'a list',
};

/** Whether a YAML node has the shape; null and aliases pass (null is Fleet's "unset"). */
function hasShape(node: unknown, shape: Shape): boolean {
  if (node === null || node === undefined || isAlias(node) || (isScalar(node) && node.value === null)) return true;
  switch (shape) {
    case 'string':
      return isScalar(node) && typeof node.value === 'string';
    case 'boolean':
      return isScalar(node) && typeof node.value === 'boolean';
    case 'map':
    case 'selector':
      return isYamlMap(node);
    case 'string map':
      return isYamlMap(node) && node.items.every((p) => p.value === null || (isScalar(p.value) && typeof p.value.value === 'string'));
    case 'string list':
      return isSeq(node) && node.items.every((i) => isScalar(i) && typeof i.value === 'string');
    case 'list':
      return isSeq(node);
  }
}

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
  // Warnings (a key that is a list or map) are not printed: such keys are reported as unknown.
  const doc = parseDocument(text, { lineCounter: lines, logLevel: 'error' });
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

  const checkKeys = (
    node: unknown,
    where: string,
    known: readonly string[],
    skip: readonly string[],
    shapes: Record<string, Shape> = {},
  ): void => {
    if (!isYamlMap(node)) {
      if (node !== null && node !== undefined && !isAlias(node) && !(isScalar(node) && node.value === null)) {
        fail(
          node,
          where
            ? `${where} must be a map, got ${describeNode(node)}; write it as key: value lines (${where} allows ${known.join(', ')})`
            : `fleet.yaml must be a map, got ${describeNode(node)}; write it as key: value lines such as defaultNamespace: my-app (fleet.yaml allows ${known.join(', ')})`,
        );
      }
      return;
    }
    for (const pair of node.items) {
      // A key that is a list or map (`? [a, b]`) shows as its YAML text.
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key).replace(/\s+/g, ' ').trim() || '(empty)';
      const full = `${where ? `${where}.` : ''}${key}`;
      if (known.includes(key)) {
        const shape = shapes[key];
        if (shape && !hasShape(pair.value, shape)) {
          fail(
            pair.value ?? pair.key,
            `${full} must be ${SHAPE_NAMES[shape]}, got ${describeNode(pair.value)}; ${shapeFix(key, shape, pair.value)}`,
          );
        }
        continue;
      }
      if (skip.includes(key)) ignored.push(`${full} (line ${lineOf(pair.key)})`);
      else {
        const near = closest(key, known);
        fail(
          pair.key,
          `unknown key '${full}'; fleet.yaml allows ${known.join(', ')}${where ? ` here` : ''}: ${near ? `rename it to '${near}'` : 'fix its spelling or remove it'}`,
        );
      }
    }
  };
  const root = doc.contents;
  checkKeys(root, '', TOP_KEYS, IGNORED_KEYS, TOP_SHAPES);
  const checkOptions = (node: unknown, where: string): void => {
    if (!isYamlMap(node)) return;
    const helm = node.get('helm', true);
    if (isYamlMap(helm)) checkKeys(helm, `${where}helm`, HELM_KEYS, HELM_IGNORED, HELM_SHAPES);
    const kustomize = node.get('kustomize', true);
    if (isYamlMap(kustomize)) checkKeys(kustomize, `${where}kustomize`, ['dir'], [], { dir: 'string' });
    const yaml = node.get('yaml', true);
    if (isYamlMap(yaml)) checkKeys(yaml, `${where}yaml`, ['overlays'], [], { overlays: 'string list' });
  };
  checkOptions(root, '');
  let js: unknown;
  try {
    js = doc.toJS();
  } catch (e) {
    // An alias bomb, or an alias to an anchor that does not exist.
    fail(root, `${(e as Error).message.split('\n')[0]}; fix the YAML: remove the aliases (*name) or expand them`);
    throw new FleetValidationError(path.basename(dir), problems);
  }
  const spec = (isYamlMap(root) ? js : {}) as Partial<FleetYaml> & Record<string, unknown>;
  const list = (key: string): FleetTarget[] => {
    if (!isYamlMap(root)) return [];
    const seq = root.get(key, true);
    if (!isSeq(seq)) return [];
    const values = spec[key] as unknown[];
    return seq.items.map((item, i) => {
      if (item === null || (isScalar(item) && item.value === null)) {
        fail(item ?? seq, `${key}[${i}] is empty; remove the empty '-' line or fill in the entry`);
      }
      checkKeys(item, `${key}[${i}]`, TARGET_KEYS, IGNORED_KEYS, TARGET_SHAPES);
      checkOptions(item, `${key}[${i}].`);
      const v = values[i];
      const t = (v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {}) as Partial<FleetTarget>;
      return { ...t, name: t.name ?? `target${String(i).padStart(3, '0')}` };
    });
  };
  const targetCustomizations = list('targetCustomizations');
  const targets = list('targets');
  const dependsOn = isYamlMap(root) ? root.get('dependsOn', true) : undefined;
  if (isSeq(dependsOn)) {
    dependsOn.items.forEach((item, i) => {
      if (isYamlMap(item)) checkKeys(item, `dependsOn[${i}]`, ['name', 'selector'], [], { name: 'string', selector: 'selector' });
      else fail(item ?? dependsOn, `dependsOn[${i}] must be a map, got ${describeNode(item)}; write it as - name: <bundle>`);
    });
  }
  if (typeof spec.targetCustomizationMode === 'string' && !['FirstMatch', 'AllMatches'].includes(spec.targetCustomizationMode)) {
    fail(
      isYamlMap(root) ? root.get('targetCustomizationMode', true) : root,
      `targetCustomizationMode is '${spec.targetCustomizationMode}'; use FirstMatch or AllMatches`,
    );
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

/** What a Fleet bundle folder source keeps during one synthesis run. */
interface FolderState {
  /** Raw YAML objects per overlay list. */
  readonly raw: Map<string, KubeObject[]>;
  /** Content hashes of folders. */
  readonly hashes: Map<string, string>;
  /** Values files read. */
  readonly valuesFiles: Map<string, Values>;
  /** One Helm source per distinct chart setup, so its chart is checked and hashed once. */
  readonly helmSources: Map<string, IBundleSource>;
}

const newFolderState = (): FolderState => ({ raw: new Map(), hashes: new Map(), valuesFiles: new Map(), helmSources: new Map() });

/**
 * Renders a Fleet bundle folder for one cluster the way Fleet's agent does: Helm if there is a
 * chart, then Kustomize if there is a kustomization, else raw YAML with overlays and `_patch`
 * files.
 */
export class FleetDirectorySource implements IBundleSource {
  public readonly description: string;

  constructor(
    private readonly dir: string,
    private readonly spec: FleetYaml,
  ) {
    this.description = `fleet bundle ${displayPath(dir)}`;
  }

  public render(ctx: BundleContext): KubeObject[] {
    const subject = `${this.description} of bundle '${ctx.bundle}'`;
    const state = runState(ctx, this, newFolderState);
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
      if (!fs.existsSync(chartPath)) {
        throw new SourceError(
          subject,
          `helm.chart ${chartDir} does not exist in the bundle folder; vendor the chart there (\`helm pull --untar\`) and point helm.chart at it`,
        );
      }
      // Fleet's order: root values < root valuesFiles < each matched customization's values < its valuesFiles.
      const layers = [this.spec, ...matched].flatMap((l) => [
        l.helm?.values ?? {},
        ...(l.helm?.valuesFiles ?? []).map((f) => this.valuesFile(state, f, subject)),
      ]);
      const values = templateValues(deepMergeValues(...layers, clusterValues), ctx, subject) as Record<string, JsonValue>;
      // templateValues: each templated, then parsed as YAML, replaces a top-level key.
      for (const [k, v] of Object.entries(o.helm?.templateValues ?? {})) {
        values[k] = parseDocument(String(templateValues(v, ctx, subject))).toJS() as JsonValue;
      }
      const release = o.helm?.releaseName;
      const key = JSON.stringify([chartPath, release ?? null, hasKustomize ? kdir : null]);
      let source = state.helmSources.get(key);
      if (!source) {
        source = helmSource({
          chart: chartPath,
          releaseName: release,
          ...(hasKustomize ? { kustomize: { dir: kdir, root: this.dir } } : {}),
        });
        state.helmSources.set(key, source);
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
      throw new SourceError(
        subject,
        `kustomize.dir ${o.kustomize.dir} has no kustomization.yaml; add one there, or point kustomize.dir at a folder that has one`,
      );
    }
    if (hasKustomize) return kustomizeBuild(kdir, this.dir, subject, state.hashes, ctx.run);
    return this.raw(state, o.yaml?.overlays ?? [], subject);
  }

  /** A values file of the bundle folder, read once per run. */
  private valuesFile(state: FolderState, file: string, subject: string): Values {
    let v = state.valuesFiles.get(file);
    if (!v) {
      v = readValuesFile(path.resolve(this.dir, file), subject);
      state.valuesFiles.set(file, v);
    }
    return v;
  }

  /** Raw YAML: overlays applied in order, then every YAML/JSON resource file parsed. */
  private raw(state: FolderState, overlays: readonly string[], subject: string): KubeObject[] {
    const key = JSON.stringify(overlays);
    const hit = state.raw.get(key);
    if (hit) return structuredClone(hit);
    const exclude = [path.basename(fleetYamlPath(this.dir) ?? 'fleet.yaml')];
    const all = bundleFiles(this.dir, exclude);
    const files = new Map<string, string>(
      all.filter((f) => !f.startsWith('overlays/')).map((f) => [f, fs.readFileSync(path.join(this.dir, f), 'utf8')]),
    );
    /** Where a file's current text came from, relative to the folder, when an overlay replaced it. */
    const origin = new Map<string, string>();
    const shown = (f: string): string => `file ${displayPath(path.join(this.dir, origin.get(f) ?? f))}`;
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
          origin.set(rel, f);
          continue;
        }
        const targetRel = path.posix.join(path.posix.dirname(rel), base.replace('_patch.', '.'));
        const current = files.get(targetRel);
        const patchSubject = `file ${displayPath(path.join(this.dir, f))}`;
        if (current === undefined)
          throw new SourceError(patchSubject, `failed to find base file ${targetRel} to patch; add it or rename the patch`);
        const doc = readYaml(current, shown(targetRel)) as JsonValue;
        const patch = readYaml(text, patchSubject) as JsonValue;
        let result: JsonValue;
        try {
          result = Array.isArray(patch)
            ? (applyPatch(structuredClone(doc), patch as unknown as Operation[], true, false).newDocument as JsonValue)
            : mergePatch(doc, patch);
        } catch (e) {
          throw new SourceError(patchSubject, `cannot patch ${targetRel}: ${(e as Error).message.split('\n')[0]}; fix the patch`);
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
      // Documents without a kind or apiVersion are not Kubernetes objects: skipped.
      .flatMap(([f, text]) =>
        (readYaml(text, shown(f), true) as unknown[]).filter(
          (v): v is KubeObject =>
            v !== null &&
            typeof v === 'object' &&
            typeof (v as KubeObject).kind === 'string' &&
            typeof (v as KubeObject).apiVersion === 'string',
        ),
      );
    state.raw.set(key, objects);
    return structuredClone(objects);
  }
}

/**
 * Parses a YAML file of a bundle folder (every document when `all`); a syntax error, or an alias
 * that cannot be expanded, is a {@link SourceError} with its line and the fix.
 */
function readYaml(text: string, subject: string, all = false): unknown {
  const lines = new LineCounter();
  const docs = all ? parseAllDocuments(text, { lineCounter: lines }) : [parseDocument(text, { lineCounter: lines })];
  const values: unknown[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    const e = doc.errors[0];
    if (e) {
      const at = lines.linePos(e.pos[0]);
      throw new SourceError(
        subject,
        `line ${at.line}, column ${at.col}: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}; fix the YAML syntax`,
      );
    }
    try {
      values.push(doc.toJS());
    } catch (err) {
      throw new SourceError(
        subject,
        `line ${lines.linePos(doc.contents?.range?.[0] ?? 0).line}: ${(err as Error).message.split('\n')[0]}; fix the YAML: remove the aliases (*name) or expand them`,
      );
    }
  }
  return all ? values : values[0];
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

/** Where a bundle read from a Fleet bundle folder goes when its fleet.yaml has no `targets`. */
export interface FleetDirectoryOptions {
  /**
   * Where the bundle goes (a GitRepo's `targets`); fleet.yaml `targets` are used when present.
   *
   * @default - fleet.yaml `targets`, else Fleet's default: the cluster group `default`
   */
  readonly targets?: readonly BundleTarget[];
}

/**
 * Checks that a path is a folder, as a Fleet bundle folder must be.
 *
 * @throws FleetValidationError when it does not exist or is a file
 */
export function assertFleetDirectory(dir: string): void {
  const abs = path.resolve(dir);
  const exists = fs.existsSync(abs);
  if (exists && fs.statSync(abs).isDirectory()) return;
  throw new FleetValidationError(path.basename(abs), [
    exists
      ? {
          severity: Severity.ERROR,
          subject: `path ${displayPath(abs)}`,
          message: `is a file, not a folder; give a Fleet bundle folder (the folder holding fleet.yaml and the resources), e.g. ${displayPath(path.dirname(abs)) || '.'}`,
        }
      : { severity: Severity.ERROR, subject: `folder ${displayPath(abs)}`, message: 'does not exist; give a Fleet bundle folder' },
  ]);
}

/** The props of a bundle read from a Fleet bundle folder. */
export function fleetDirectoryProps(
  dir: string,
  options: FleetDirectoryOptions = {},
): BundleProps & { readonly ignored: readonly string[] } {
  const abs = path.resolve(dir);
  assertFleetDirectory(abs);
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

/** Props of a {@link FleetDirectoryBundle}. */
export interface FleetDirectoryBundleProps extends FleetDirectoryOptions {
  /** The bundle folder (holding fleet.yaml and the resources), absolute or relative to the working directory. */
  readonly dir: string;
}

/**
 * A bundle read from a Rancher Fleet bundle folder: its `fleet.yaml` (namespaces, labels,
 * `dependsOn`, `helm`, `kustomize.dir`, `yaml.overlays`, `targetCustomizations` with every
 * targeting criterion and `doNotDeploy`, `targetCustomizationMode`, `targets`) and the files Fleet
 * would take as resources, rendered the way Fleet's agent renders them (Helm, then Kustomize, or
 * raw YAML with `overlays/` and `_patch` files).
 *
 * @example
 * new FleetDirectoryBundle(fleet, 'monitoring', { dir: path.join(__dirname, 'bundles/monitoring'), targets: [{ clusterSelector: {} }] });
 */
export class FleetDirectoryBundle extends Bundle {
  /**
   * @param scope the fleet, or any construct inside it
   * @param id construct id; the bundle name unless fleet.yaml sets `name`
   * @param props the folder, and where the bundle goes when fleet.yaml has no `targets`
   * @throws FleetValidationError listing every problem of the fleet.yaml, with lines
   */
  constructor(scope: Construct, id: string, props: FleetDirectoryBundleProps) {
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { ignored, ...bundleProps } = fleetDirectoryProps(props.dir, props);
    super(scope, id, bundleProps);
  }
}
