import * as fs from 'node:fs';
import * as path from 'node:path';
import { Construct } from 'constructs';
import { Bundle } from '../model/bundle';
import { Cluster } from '../model/cluster';
import { Fleet } from '../model/fleet';
import { checkDnsLabel, checkLabelKey, checkLabelValue } from '../model/names';
import { KubeObject } from '../model/objects';
import { BundleTarget } from '../model/targeting';
import { toYamlDocument } from '../model/yaml';
import { assertFleetDirectory, fleetBundleName, fleetDirectoryProps, readFleetYaml } from '../sources/fleet-dir';
import { synthesizeFleet } from '../synth/synth';
import { UsageError } from '../project/load';

/** A cluster to render a Fleet bundle folder for. */
export interface RenderTarget {
  /** Cluster name. */
  readonly name: string;
  /** Cluster labels. */
  readonly labels: Readonly<Record<string, string>>;
}

/** Parses `k=v` label arguments. */
export function parseLabels(pairs: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new UsageError(`--label ${p}: use key=value`);
    const [key, value] = [p.slice(0, i), p.slice(i + 1)];
    const problem = checkLabelKey(key) ?? checkLabelValue(key, value);
    if (problem) throw new UsageError(`--label ${p}: ${problem}; use key=value with a valid Kubernetes label`);
    labels[key] = value;
  }
  return labels;
}

function withoutFleetwrightLabels(o: KubeObject): KubeObject {
  const labels = Object.fromEntries(Object.entries(o.metadata.labels ?? {}).filter(([k]) => !k.startsWith('fleetwright.io/')));
  const metadata = { ...o.metadata, labels };
  if (Object.keys(labels).length === 0) delete (metadata as { labels?: unknown }).labels;
  return { ...o, metadata };
}

/**
 * Renders a Fleet bundle folder for one cluster, as Fleet would: the migration check. When
 * fleet.yaml has no `targets`, the bundle is assumed to target the cluster (a GitRepo's job).
 *
 * @returns the manifests (fleetwright's own labels removed) and notes for stderr
 */
export function renderFleetBundle(dir: string, cluster: RenderTarget): { yaml: string; notes: string[] } {
  const nameProblem = checkDnsLabel(cluster.name);
  if (nameProblem) throw new UsageError(`--name ${cluster.name}: ${nameProblem}; pass a cluster name such as --name edge-1`);
  const fleet = new Fleet({ name: 'render' });
  new Cluster(new Construct(fleet, 'Clusters'), cluster.name, { region: 'local', labels: cluster.labels });
  const props = fleetDirectoryProps(dir, { targets: [{ name: 'all', clusterSelector: {} }] });
  const { ignored, ...bundleProps } = props;
  new Bundle(fleet, fleetBundleName(path.basename(path.resolve(dir))), bundleProps);
  const synth = synthesizeFleet(fleet);
  const notes = ignored.map((k) => `note: fleet.yaml key ${k} changes how Fleet's agent installs, not what is rendered; ignored`);
  const c = synth.clusters[0];
  if (c.bundles.length === 0) notes.push(`note: the bundle's targets or doNotDeploy exclude cluster ${cluster.name}; nothing to render`);
  const objects = c.bundles.flatMap((b) => b.objects.map((o) => withoutFleetwrightLabels(o.manifest)));
  return { yaml: objects.map((o) => `---\n${toYamlDocument(o)}`).join(''), notes };
}

const camel = (name: string): string => name.replace(/[-_.]+([a-z0-9])/gi, (_, c: string) => c.toUpperCase());
const pascal = (name: string): string => camel(name).replace(/^./, (c) => c.toUpperCase());

/** Options of {@link importFleetBundle}. */
export interface ImportOptions {
  /**
   * Module the generated code imports fleetwright from.
   *
   * @default 'fleetwright'
   */
  readonly importFrom?: string;
  /**
   * Where the generated file will live (the bundle folder path is written relative to it).
   *
   * @default - the working directory
   */
  readonly outFile?: string;
}

/**
 * Writes an equivalent typed TypeScript definition of a Fleet bundle folder: its targets as typed
 * `BundleTarget`s, and the folder (fleet.yaml and files) read with `FleetDirectoryBundle`, so
 * the bundle keeps rendering exactly as Fleet does while the team moves it to code.
 */
export function importFleetBundle(dir: string, options: ImportOptions = {}): string {
  const abs = path.resolve(dir);
  assertFleetDirectory(abs);
  const spec = readFleetYaml(abs);
  const name = spec.name ?? fleetBundleName(path.basename(abs));
  const from = path.dirname(path.resolve(options.outFile ?? path.join(process.cwd(), 'bundle.ts')));
  const rel = path.relative(from, abs).split(path.sep).join('/') || '.';
  const targets: BundleTarget[] =
    spec.targets.length > 0
      ? spec.targets.map((t) => ({ ...t, helm: undefined, kustomize: undefined, yaml: undefined }))
      : [{ name: 'default', clusterGroup: 'default' }];
  const clean = (t: BundleTarget): BundleTarget =>
    Object.fromEntries(Object.entries(t).filter(([k, v]) => v !== undefined && !['helm', 'kustomize', 'yaml'].includes(k))) as BundleTarget;
  const helm = fs.existsSync(path.join(abs, spec.helm?.chart ?? '.', 'Chart.yaml'));
  const kustomize = fs.existsSync(path.join(abs, spec.kustomize?.dir ?? '.', 'kustomization.yaml'));
  const style = helm && kustomize ? 'Helm, then Kustomize' : helm ? 'Helm' : kustomize ? 'Kustomize' : 'raw YAML';
  const lines = [
    `/**`,
    ` * Bundle '${name}', imported from the Rancher Fleet bundle folder ${rel} by \`fleetwright import\`.`,
    ` *`,
    ` * Rendered as ${style}; fleet.yaml's target customizations stay in the folder:`,
    ...(spec.targetCustomizations.length > 0
      ? spec.targetCustomizations.map((t) => ` * - ${t.name}${t.doNotDeploy ? ' (doNotDeploy)' : ''}`)
      : [' * - none']),
    ...(spec.ignored.length > 0
      ? [
          ` *`,
          ` * fleet.yaml keys that change how Fleet's agent installs, not what is rendered (not carried over):`,
          ...spec.ignored.map((k) => ` * - ${k}`),
        ]
      : []),
    ` */`,
    `import * as path from 'node:path';`,
    `import { Construct } from 'constructs';`,
    `import { Bundle, BundleTarget, FleetDirectoryBundle } from '${options.importFrom ?? 'fleetwright'}';`,
    ``,
    `/** Where '${name}' goes (Fleet's GitRepo targets${spec.targets.length > 0 ? ', from fleet.yaml' : "; Fleet's default: the cluster group 'default'"}). */`,
    `export const ${camel(name)}Targets: readonly BundleTarget[] = ${JSON.stringify(targets.map(clean), null, 2)};`,
    ``,
    `/**`,
    ` * Defines the '${name}' bundle.`,
    ` *`,
    ` * @param scope the fleet, or any construct inside it`,
    ` * @param targets where the bundle goes`,
    ` */`,
    `export function define${pascal(name)}Bundle(scope: Construct, targets: readonly BundleTarget[] = ${camel(name)}Targets): Bundle {`,
    `  return new FleetDirectoryBundle(scope, '${name}', { dir: path.join(__dirname, '${rel}'), targets });`,
    `}`,
    ``,
  ];
  return lines.join('\n');
}
