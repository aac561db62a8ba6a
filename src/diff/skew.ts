import { FleetError } from '../model/errors';
import { kindAndName } from '../model/identity';
import { Fleet } from '../model/fleet';
import { byteOrder, canonicalJson } from '../model/names';
import { maskSecretValues, redact } from '../model/redaction';
import { JsonValue, ValueOrigin } from '../model/values';
import { explain } from '../synth/explain';
import { CLUSTER_LABEL, synthesizeFleet } from '../synth/synth';

/** One distinct value of a field and the clusters that have it. */
export interface Variant {
  /** The value (`undefined` when the field is absent). */
  readonly value: JsonValue | undefined;
  /** The layers that set it, where known (effective values). */
  readonly origins: readonly string[];
  /** Clusters with this value, sorted. */
  readonly clusters: readonly string[];
}

/** A field whose value differs between clusters. */
export interface SkewedField {
  /** Dotted path: a value path, or `<object> <field path>` for manifests. */
  readonly path: string;
  /** Distinct values, most common first. */
  readonly variants: readonly Variant[];
}

/** How one bundle differs between the compared clusters. */
export interface BundleSkew {
  /** Bundle name. */
  readonly bundle: string;
  /** Compared clusters that do not get the bundle. */
  readonly missingOn: readonly string[];
  /** Effective values that differ, with their layers. */
  readonly values: readonly SkewedField[];
  /** Objects only some of the clusters get: object → those clusters. */
  readonly partialObjects: Readonly<Record<string, readonly string[]>>;
  /** Fields of objects every cluster gets that differ (the cluster label excluded). */
  readonly objects: readonly SkewedField[];
}

/** The result of `fleetwright compare`. */
export interface SkewReport {
  /** The compared clusters. */
  readonly clusters: readonly string[];
  /** Bundles that differ. */
  readonly bundles: readonly BundleSkew[];
}

/**
 * The clusters a name stands for: a cluster, a cluster group or a region (checked in that order).
 *
 * @throws FleetError when the name is none of them
 */
export function resolveClusters(fleet: Fleet, name: string): string[] {
  if (fleet.clusters.some((c) => c.clusterName === name)) return [name];
  const group = fleet.clusterGroups.find((g) => g.groupName === name);
  if (group) return fleet.clusters.filter((c) => group.contains(c)).map((c) => c.clusterName);
  const inRegion = fleet.clusters.filter((c) => c.region === name).map((c) => c.clusterName);
  if (inRegion.length > 0) return inRegion;
  const known: string[] = [];
  for (const [what, names] of [
    ['clusters', fleet.clusters.map((c) => c.clusterName)],
    ['groups', fleet.clusterGroups.map((g) => g.groupName)],
    ['regions', fleet.regions],
  ] as const) {
    if (names.length > 0) known.push(`${what} ${names.join(', ')}`);
  }
  throw new FleetError(
    '',
    `'${name}' is not a cluster, cluster group or region of fleet '${fleet.fleetName}'; use one of them (${known.join('; ') || 'the fleet has none'})`,
  );
}

function leaves(value: unknown, prefix: string, out: Map<string, JsonValue>): void {
  if (Array.isArray(value) && value.length > 0) {
    value.forEach((v, i) => leaves(v, `${prefix}[${i}]`, out));
    return;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, value as JsonValue);
  }
}

function skewed(perCluster: ReadonlyMap<string, Map<string, { value: JsonValue; origin?: string }>>): SkewedField[] {
  const paths = new Set<string>();
  for (const m of perCluster.values()) for (const p of m.keys()) paths.add(p);
  const out: SkewedField[] = [];
  for (const p of [...paths].sort(byteOrder)) {
    const byValue = new Map<string, { value: JsonValue | undefined; origins: Set<string>; clusters: string[] }>();
    for (const [cluster, m] of perCluster) {
      const entry = m.get(p);
      const key = entry === undefined ? 'undefined' : canonicalJson(entry.value);
      const v = byValue.get(key) ?? { value: entry?.value, origins: new Set<string>(), clusters: [] };
      if (entry?.origin) v.origins.add(entry.origin);
      v.clusters.push(cluster);
      byValue.set(key, v);
    }
    if (byValue.size > 1) {
      out.push({
        path: p,
        variants: [...byValue.values()]
          .map((v) => ({ value: v.value, origins: [...v.origins].sort(byteOrder), clusters: v.clusters.sort(byteOrder) }))
          .sort((a, b) => b.clusters.length - a.clusters.length || byteOrder(a.clusters[0], b.clusters[0])),
      });
    }
  }
  return out;
}

const originLabel = (o: ValueOrigin): string => `${o.layer} ${o.source}`;

/**
 * Compares the desired state of clusters that should be alike: for every bundle, which of them do
 * not get it, which effective values differ (with the layer each comes from) and which manifest
 * fields differ.
 */
export function compareClusters(fleet: Fleet, clusters: readonly string[]): SkewReport {
  const names = [...new Set(clusters)].sort(byteOrder);
  const synth = synthesizeFleet(fleet);
  const byName = new Map(synth.clusters.map((c) => [c.name, c]));
  const bundleNames = [...new Set(names.flatMap((n) => byName.get(n)?.bundles.map((b) => b.name) ?? []))].sort(byteOrder);
  const bundles: BundleSkew[] = [];
  for (const bundle of bundleNames) {
    const on = names.filter((n) => byName.get(n)?.bundles.some((b) => b.name === bundle));
    const values = new Map<string, Map<string, { value: JsonValue; origin?: string }>>();
    const objects = new Map<string, Map<string, { value: JsonValue }>>();
    const objectClusters = new Map<string, string[]>();
    for (const n of on) {
      for (const o of byName.get(n)?.bundles.find((b) => b.name === bundle)?.objects ?? []) {
        const key = kindAndName(o.id);
        objectClusters.set(key, [...(objectClusters.get(key) ?? []), n]);
      }
    }
    const partialObjects = Object.fromEntries(
      [...objectClusters].filter(([, cs]) => cs.length < on.length).sort(([a], [b]) => byteOrder(a, b)),
    );
    for (const n of on) {
      values.set(
        n,
        new Map(
          explain(fleet, n, bundle).values.explained.map((e) => [
            e.path,
            { value: maskSecretValues(e.value), origin: originLabel(e.origin) },
          ]),
        ),
      );
      const flat = new Map<string, JsonValue>();
      for (const o of byName.get(n)?.bundles.find((b) => b.name === bundle)?.objects ?? []) {
        if (kindAndName(o.id) in partialObjects) continue;
        const m = structuredClone(redact(o.manifest));
        delete m.metadata.labels?.[CLUSTER_LABEL];
        leaves(m, `${kindAndName(o.id)}:`, flat);
      }
      objects.set(n, new Map([...flat].map(([k, v]) => [k.replace(':.', ' '), { value: v }])));
    }
    const skew = {
      bundle,
      missingOn: names.filter((n) => !on.includes(n)),
      values: skewed(values),
      partialObjects,
      objects: skewed(objects),
    };
    if (skew.missingOn.length + skew.values.length + Object.keys(partialObjects).length + skew.objects.length > 0) bundles.push(skew);
  }
  return { clusters: names, bundles };
}

/** Renders a skew report as text. */
export function renderSkew(report: SkewReport): string {
  const lines = [`compared ${report.clusters.length} clusters: ${report.clusters.join(', ')}`];
  if (report.bundles.length === 0) lines.push('no differences');
  const fmt = (v: Variant): string =>
    `${v.value === undefined ? '(absent)' : JSON.stringify(v.value)}${v.origins.length ? ` [${v.origins.join(', ')}]` : ''} on ${v.clusters.join(', ')}`;
  for (const b of report.bundles) {
    lines.push('', `bundle ${b.bundle}:`);
    if (b.missingOn.length > 0) lines.push(`  not deployed on: ${b.missingOn.join(', ')}`);
    for (const f of b.values) lines.push(`  value ${f.path}:`, ...f.variants.map((v) => `    ${fmt(v)}`));
    for (const [o, cs] of Object.entries(b.partialObjects)) lines.push(`  ${o} only on: ${cs.join(', ')}`);
    for (const f of b.objects) lines.push(`  ${f.path}:`, ...f.variants.map((v) => `    ${fmt(v)}`));
  }
  return `${lines.join('\n')}\n`;
}
