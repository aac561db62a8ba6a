import { compare as jsonCompare, getValueByPointer } from 'fast-json-patch';
import { byteOrder, canonicalJson, JsonValue, KubeObject } from '../constructs';
import { DesiredObject, DesiredState } from './model';

/** How an object changes on a cluster. */
export type ChangeKind = 'added' | 'removed' | 'changed';

/** One field-level change. */
export interface FieldChange {
  /** Dotted path, e.g. `spec.template.spec.containers[0].image`. */
  readonly path: string;
  /** RFC 6902 operation. */
  readonly op: 'add' | 'remove' | 'replace';
  /** Value before (absent for `add`). */
  readonly before?: JsonValue;
  /** Value after (absent for `remove`). */
  readonly after?: JsonValue;
}

/** The same change to the same object on one or more clusters. */
export interface ChangeGroup {
  /** Bundle (or `_namespaces`). */
  readonly bundle: string;
  /** Object identity: `Kind.group namespace/name`. */
  readonly object: string;
  /** Added, removed or changed. */
  readonly kind: ChangeKind;
  /** Field changes (for `changed`). */
  readonly fields: readonly FieldChange[];
  /** Why Kubernetes would apply this change by delete-and-recreate, if it would. */
  readonly replacement: readonly string[];
  /** Clusters with exactly this change, sorted. */
  readonly clusters: readonly string[];
  /** Their regions, sorted. */
  readonly regions: readonly string[];
}

/** A bundle gaining or losing clusters. */
export interface TargetingChange {
  /** Bundle. */
  readonly bundle: string;
  /** Clusters that get the bundle now. */
  readonly gained: readonly string[];
  /** Clusters that lose it. */
  readonly lost: readonly string[];
}

/** The difference between two desired states (the JSON format's schema, version 1). */
export interface FleetDiff {
  /** Schema version of this document. */
  readonly schemaVersion: 1;
  /** Label of the base side (a git ref or folder). */
  readonly base: string;
  /** Label of the head side. */
  readonly head: string;
  /** Counts. */
  readonly summary: {
    readonly clustersChanged: number;
    readonly objectsAdded: number;
    readonly objectsRemoved: number;
    readonly objectsChanged: number;
    readonly replacements: number;
    readonly groups: number;
  };
  /** Clusters only in head / only in base. */
  readonly clustersAdded: readonly string[];
  /** Clusters only in base. */
  readonly clustersRemoved: readonly string[];
  /** Bundles gaining or losing clusters. */
  readonly targeting: readonly TargetingChange[];
  /** Object changes, grouped across clusters; replacements and removals first. */
  readonly groups: readonly ChangeGroup[];
}

interface ImmutableRule {
  readonly kinds: readonly string[];
  readonly paths: readonly string[];
  readonly when?: (before: KubeObject) => boolean;
}

/** Fields Kubernetes refuses to update in place: changing them means delete and recreate. */
export const IMMUTABLE_FIELDS: readonly ImmutableRule[] = [
  { kinds: ['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet'], paths: ['/spec/selector'] },
  { kinds: ['StatefulSet'], paths: ['/spec/volumeClaimTemplates', '/spec/serviceName', '/spec/podManagementPolicy'] },
  { kinds: ['Service'], paths: ['/spec/clusterIP', '/spec/clusterIPs'] },
  { kinds: ['Job'], paths: ['/spec/template', '/spec/selector', '/spec/completionMode'] },
  { kinds: ['PersistentVolumeClaim'], paths: ['/spec/storageClassName', '/spec/accessModes', '/spec/volumeName', '/spec/selector'] },
  { kinds: ['StorageClass'], paths: ['/provisioner', '/parameters', '/reclaimPolicy', '/volumeBindingMode'] },
  { kinds: ['RoleBinding', 'ClusterRoleBinding'], paths: ['/roleRef'] },
  { kinds: ['ConfigMap', 'Secret'], paths: ['/data', '/binaryData', '/stringData'], when: (before) => before.immutable === true },
];

/** `/spec/template/0/x` → `spec.template[0].x`. */
export function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (acc, part) =>
        /^\d+$/.test(part)
          ? `${acc}[${part}]`
          : /^[A-Za-z0-9_-]+$/.test(part)
            ? acc
              ? `${acc}.${part}`
              : part
            : `${acc}[${JSON.stringify(part)}]`,
      '',
    );
}

/** Field-level changes from `before` to `after`. */
export function fieldChanges(before: KubeObject, after: KubeObject): FieldChange[] {
  return jsonCompare(before, after).map((op) => {
    const path = pointerToPath(op.path);
    const old = op.op === 'add' ? undefined : (getValueByPointer(before, op.path) as JsonValue);
    const now = op.op === 'remove' ? undefined : ((op as { value: JsonValue }).value ?? null);
    return {
      path,
      op: op.op as FieldChange['op'],
      ...(old === undefined ? {} : { before: old }),
      ...(now === undefined ? {} : { after: now }),
    };
  });
}

/** Why changing these fields of this object needs a replacement (empty when it does not). */
export function replacementReasons(before: KubeObject, after: KubeObject, pointers: readonly string[]): string[] {
  const reasons = new Set<string>();
  if (before.apiVersion.split('/')[0] !== after.apiVersion.split('/')[0] && before.apiVersion.includes('/')) {
    reasons.add('the API group changes');
  }
  for (const rule of IMMUTABLE_FIELDS) {
    if (!rule.kinds.includes(after.kind) || (rule.when && !rule.when(before))) continue;
    for (const p of pointers) {
      const hit = rule.paths.find((r) => p === r || p.startsWith(`${r}/`));
      if (hit) reasons.add(`${pointerToPath(hit)} is immutable on ${after.kind}`);
    }
  }
  return [...reasons].sort(byteOrder);
}

/**
 * Compares two desired states: per cluster, bundle and object, with identical changes grouped
 * across clusters, targeting changes called out and replacements flagged.
 */
export function diffDesired(base: DesiredState, head: DesiredState, labels: { base: string; head: string }): FleetDiff {
  const clusters = [...new Set([...Object.keys(base.clusters), ...Object.keys(head.clusters)])].sort(byteOrder);
  const groups = new Map<string, { g: Omit<ChangeGroup, 'clusters' | 'regions'>; clusters: string[]; regions: Set<string> }>();
  const targeting = new Map<string, { gained: string[]; lost: string[] }>();
  const changedClusters = new Set<string>();
  const add = (cluster: string, region: string, g: Omit<ChangeGroup, 'clusters' | 'regions'>): void => {
    const sig = canonicalJson([g.bundle, g.object, g.kind, g.fields, g.replacement]);
    const entry = groups.get(sig) ?? { g, clusters: [], regions: new Set<string>() };
    entry.clusters.push(cluster);
    entry.regions.add(region);
    groups.set(sig, entry);
    changedClusters.add(cluster);
  };
  for (const cluster of clusters) {
    const b = base.clusters[cluster] ?? {};
    const h = head.clusters[cluster] ?? {};
    const region = head.regions[cluster] ?? base.regions[cluster];
    for (const bundle of [...new Set([...Object.keys(b), ...Object.keys(h)])].sort(byteOrder)) {
      if (!bundle.startsWith('_') && !(bundle in b) !== !(bundle in h)) {
        const t = targeting.get(bundle) ?? { gained: [], lost: [] };
        (bundle in h ? t.gained : t.lost).push(cluster);
        targeting.set(bundle, t);
      }
      const before = b[bundle] ?? new Map<string, DesiredObject>();
      const after = h[bundle] ?? new Map<string, DesiredObject>();
      for (const key of [...new Set([...before.keys(), ...after.keys()])].sort(byteOrder)) {
        const o = before.get(key);
        const n = after.get(key);
        if (!o && n) add(cluster, region, { bundle, object: key, kind: 'added', fields: [], replacement: [] });
        else if (o && !n) add(cluster, region, { bundle, object: key, kind: 'removed', fields: [], replacement: [] });
        else if (o && n && o.sha256 !== n.sha256) {
          const [before, after] = [o.manifest(), n.manifest()];
          const ops = jsonCompare(before, after);
          if (ops.length === 0) continue;
          add(cluster, region, {
            bundle,
            object: key,
            kind: 'changed',
            fields: fieldChanges(before, after),
            replacement: replacementReasons(
              before,
              after,
              ops.map((op) => op.path),
            ),
          });
        }
      }
    }
  }
  const rank = (g: ChangeGroup): number => (g.replacement.length > 0 ? 0 : g.kind === 'removed' ? 1 : g.kind === 'changed' ? 2 : 3);
  const list: ChangeGroup[] = [...groups.values()]
    .map(({ g, clusters: cs, regions }) => ({ ...g, clusters: cs.sort(byteOrder), regions: [...regions].sort(byteOrder) }))
    .sort(
      (x, y) =>
        rank(x) - rank(y) || byteOrder(x.bundle, y.bundle) || byteOrder(x.object, y.object) || byteOrder(x.clusters[0], y.clusters[0]),
    );
  const count = (kind: ChangeKind): number => list.filter((g) => g.kind === kind).reduce((n, g) => n + g.clusters.length, 0);
  return {
    schemaVersion: 1,
    base: labels.base,
    head: labels.head,
    summary: {
      clustersChanged: changedClusters.size,
      objectsAdded: count('added'),
      objectsRemoved: count('removed'),
      objectsChanged: count('changed'),
      replacements: list.filter((g) => g.replacement.length > 0).reduce((n, g) => n + g.clusters.length, 0),
      groups: list.length,
    },
    clustersAdded: clusters.filter((c) => !(c in base.clusters)),
    clustersRemoved: clusters.filter((c) => !(c in head.clusters)),
    targeting: [...targeting.entries()]
      .sort(([a], [b]) => byteOrder(a, b))
      .map(([bundle, t]) => ({ bundle, gained: t.gained, lost: t.lost })),
    groups: list,
  };
}

/** Whether a diff has any change. */
export function hasChanges(d: FleetDiff): boolean {
  return d.groups.length > 0 || d.clustersAdded.length > 0 || d.clustersRemoved.length > 0;
}
