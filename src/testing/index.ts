/**
 * Testing a fleet in your own jest (or any test runner), without a cluster: what each bundle
 * places where, the effective values, the synthesized manifests, and one deterministic snapshot
 * string per region for `toMatchSnapshot()`. The `expect…` helpers throw an `Error` naming the
 * bundle, the cluster, what was expected and what the fleet gives, so they work in any runner.
 *
 * @example
 * import { expectPlacement, expectValue, regionSnapshot } from 'fleetwright/testing';
 * import fleet from '../fleet';
 *
 * test('web runs everywhere, 3 replicas in prod', () => {
 *   expectPlacement(fleet, 'web', ['us-west-dev', 'us-west-prod']);
 *   expectValue(fleet, 'web', 'us-west-prod', 'replicas', 3);
 * });
 * test('us-west', () => expect(regionSnapshot(fleet, 'us-west')).toMatchSnapshot());
 *
 * @packageDocumentation
 */
import { FleetError } from '../model/errors';
import { Fleet } from '../model/fleet';
import { byteOrder } from '../model/names';
import { KubeObject } from '../model/objects';
import { placementMatrix } from '../model/placement';
import { JsonValue, Values } from '../model/values';
import { explain } from '../synth/explain';
import { synthFiles } from '../synth/output';
import { FleetSynthesis, SynthesizedBundle, synthesizeFleet } from '../synth/synth';

export type { FleetSynthesis } from '../synth/synth';

/** Options of {@link synthesize}. */
export interface SynthesizeOptions {
  /**
   * Synthesize only the clusters of this region.
   *
   * @default - every region
   */
  readonly region?: string;
}

/**
 * Synthesizes the fleet as `fleetwright synth` does, after validating all of it.
 *
 * @param fleet the fleet
 * @param options which region
 * @default options {} (every region)
 * @returns the synthesis: every cluster with its bundles, effective values and objects
 * @throws FleetValidationError listing every problem of the fleet
 * @throws Error when `region` has no cluster, naming the regions that do
 */
export function synthesize(fleet: Fleet, options: SynthesizeOptions = {}): FleetSynthesis {
  if (options.region !== undefined) requireRegion(fleet, options.region);
  return synthesizeFleet(fleet, { region: options.region });
}

/**
 * Where every bundle goes: bundle name → the names of the clusters it is deployed to, sorted.
 * A bundle that goes nowhere maps to `[]`. Renders nothing.
 *
 * @param fleet the fleet
 * @returns clusters per bundle
 */
export function placement(fleet: Fleet): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const b of fleet.bundles) result[b.bundleName] = [];
  for (const cell of placementMatrix(fleet)) {
    if (cell.placement.deployed) result[cell.bundle].push(cell.cluster);
  }
  for (const clusters of Object.values(result)) clusters.sort(byteOrder);
  return result;
}

/**
 * The effective values of a bundle on a cluster: bundle defaults, cluster groups, the region
 * overlay, target customizations and the cluster's own, merged as synthesis merges them.
 *
 * @param fleet the fleet
 * @param bundle bundle name
 * @param cluster cluster name
 * @returns the merged values
 * @throws Error when the bundle or cluster does not exist, or the bundle is not deployed there (with why)
 */
export function valuesOf(fleet: Fleet, bundle: string, cluster: string): Values {
  return deployedExplanation(fleet, bundle, cluster).values.values;
}

/**
 * The manifests a bundle puts on a cluster, in apply order, as synthesis renders them (labels,
 * region overlay and patches applied). Secret data is included as written by the bundle: do not
 * print it in logs you share; {@link regionSnapshot} redacts it.
 *
 * @param fleet the fleet
 * @param bundle bundle name
 * @param cluster cluster name
 * @returns the objects
 * @throws Error when the bundle or cluster does not exist, or the bundle is not deployed there (with why)
 * @throws FleetValidationError listing every problem of the fleet
 */
export function objectsOf(fleet: Fleet, bundle: string, cluster: string): KubeObject[] {
  return synthesizedBundle(fleet, bundle, cluster).objects.map((o) => o.manifest);
}

/**
 * One deterministic string for a region, for `expect(…).toMatchSnapshot()`: every file
 * `fleetwright synth --region <region>` writes except `index.json` (each cluster's
 * `_namespaces.yaml` and `<bundle>.yaml`, Secret values redacted), in path order, each after a
 * `# <region>/<cluster>/<file>` header line.
 *
 * @param fleet the fleet
 * @param region the region
 * @returns the snapshot text
 * @throws Error when the region has no cluster, naming the regions that do
 * @throws FleetValidationError listing every problem of the fleet
 */
export function regionSnapshot(fleet: Fleet, region: string): string {
  const files = synthFiles(synthesize(fleet, { region }));
  return [...files.keys()]
    .filter((f) => f !== 'index.json')
    .sort(byteOrder)
    .map((f) => `# ${f}\n${files.get(f)}`)
    .join('\n');
}

/**
 * Asserts that a bundle is deployed to exactly these clusters (in any order).
 *
 * @param fleet the fleet
 * @param bundle bundle name
 * @param clusters the expected cluster names
 * @throws Error naming the bundle, the expected and actual clusters, and why each missing cluster is not targeted
 */
export function expectPlacement(fleet: Fleet, bundle: string, clusters: readonly string[]): void {
  requireBundle(fleet, bundle);
  const actual = placement(fleet)[bundle];
  const expected = [...new Set(clusters)].sort(byteOrder);
  const missing = expected.filter((c) => !actual.includes(c));
  const unexpected = actual.filter((c) => !expected.includes(c));
  if (missing.length === 0 && unexpected.length === 0) return;
  const known = new Set(fleet.clusters.map((c) => c.clusterName));
  const cells = placementMatrix(fleet).filter((c) => c.bundle === bundle);
  const why = missing.map((c) =>
    known.has(c)
      ? `\n  ${c}: ${cells.find((cell) => cell.cluster === c)?.placement.reason ?? 'not targeted'}`
      : `\n  ${c}: no such cluster in the fleet`,
  );
  throw new Error(
    `bundle '${bundle}' placement:\n  expected: [${expected.join(', ')}]\n  actual:   [${actual.join(', ')}]` +
      (missing.length > 0 ? `\nmissing (${missing.join(', ')}):${why.join('')}` : '') +
      (unexpected.length > 0 ? `\nunexpected: ${unexpected.join(', ')}` : ''),
  );
}

/**
 * Asserts that a bundle's effective value on a cluster equals `value` (deep equality of JSON
 * values; map key order does not matter).
 *
 * @param fleet the fleet
 * @param bundle bundle name
 * @param cluster cluster name
 * @param path the value's dotted path (`image.tag`), or its keys as an array when a key contains a dot
 * @param value the expected value
 * @throws Error naming the bundle, the cluster and the path, with the expected and actual values and the layer that set the actual one
 */
export function expectValue(fleet: Fleet, bundle: string, cluster: string, path: string | readonly string[], value: JsonValue): void {
  const keys = typeof path === 'string' ? path.split('.') : [...path];
  const e = deployedExplanation(fleet, bundle, cluster);
  let actual: JsonValue | undefined = e.values.values;
  for (const key of keys) {
    actual = isMap(actual) ? actual[key] : undefined;
  }
  if (actual !== undefined && canonical(actual) === canonical(value)) return;
  const shown = keys.join('.');
  const quoted = keys.map((k) => (/^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k))).join('.');
  const origins = e.values.explained.filter((v) => v.path === quoted || v.path.startsWith(`${quoted}.`));
  const from = [...new Set(origins.map((v) => `${v.origin.layer} '${v.origin.source}'`))];
  throw new Error(
    `bundle '${bundle}' on cluster '${cluster}': value '${shown}'\n  expected: ${JSON.stringify(value)}\n  actual:   ` +
      (actual === undefined ? 'undefined (not set by any layer)' : `${JSON.stringify(actual)} (set by ${from.join(', ') || 'no layer'})`),
  );
}

function isMap(v: JsonValue | undefined): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON with map keys sorted, for deep equality. */
function canonical(v: JsonValue): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    typeof x === 'object' && x !== null && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => byteOrder(a, b)))
      : x,
  );
}

function requireBundle(fleet: Fleet, bundle: string): void {
  if (!fleet.bundles.some((b) => b.bundleName === bundle)) {
    throw new Error(`bundle '${bundle}' does not exist in the fleet; known bundles: ${names(fleet.bundles.map((b) => b.bundleName))}`);
  }
}

function requireRegion(fleet: Fleet, region: string): void {
  if (!fleet.regions.includes(region)) {
    throw new Error(`region '${region}' has no cluster in the fleet; regions with clusters: ${names(fleet.regions)}`);
  }
}

const names = (xs: readonly string[]): string => (xs.length > 0 ? xs.join(', ') : '(none)');

/** `explain`, with plain Errors for unknown names and for a bundle not deployed on the cluster. */
function deployedExplanation(fleet: Fleet, bundle: string, cluster: string): ReturnType<typeof explain> {
  let e: ReturnType<typeof explain>;
  try {
    e = explain(fleet, cluster, bundle);
  } catch (err) {
    if (err instanceof FleetError) throw new Error(err.message);
    throw err;
  }
  if (!e.placement.deployed) throw new Error(`bundle '${bundle}' is not deployed on cluster '${cluster}': ${e.placement.reason}`);
  return e;
}

function synthesizedBundle(fleet: Fleet, bundle: string, cluster: string): SynthesizedBundle {
  deployedExplanation(fleet, bundle, cluster);
  const region = fleet.clusters.find((c) => c.clusterName === cluster)?.region;
  const found = synthesize(fleet, { region })
    .clusters.find((c) => c.name === cluster)
    ?.bundles.find((b) => b.name === bundle);
  if (!found) throw new Error(`bundle '${bundle}' was not synthesized for cluster '${cluster}'`);
  return found;
}
