import { compare as jsonCompare, getValueByPointer } from 'fast-json-patch';
import { byteOrder, canonicalJson } from '../model/names';
import { apiGroup } from '../model/identity';
import { KubeObject } from '../model/objects';
import { JsonValue } from '../model/values';
import type { ResourceError } from '../deploy/events';
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
  /**
   * The live object drifted here (live preview only): the fleet did not change this field, the
   * cluster's copy was changed outside fleetwright, and the update puts it back.
   *
   * @default false
   */
  readonly drift?: boolean;
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
  /**
   * Drift found by a live preview with `--refresh` that this change repairs, e.g. `deleted
   * outside fleetwright` (live preview only).
   *
   * @default - no drift
   */
  readonly drift?: string;
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
  /** `desired`: two fleet definitions compared offline; `live`: a preview of a deployed stack. */
  readonly source: 'desired' | 'live';
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
  /**
   * Operations the engine could not plan (live preview only), e.g. a field another field manager
   * changed on the cluster.
   *
   * @default - none
   */
  readonly errors?: readonly StepError[];
}

/** An object whose change the engine could not plan (live preview). */
export interface StepError extends ResourceError {
  /**
   * Set when the object drifted: another field manager now owns fields the fleet sets.
   *
   * @default - not a conflict
   */
  readonly conflict?: { readonly manager: string; readonly fields: readonly string[] };
}

/** A change of one object on one cluster, before grouping. */
export type ObjectChange = Omit<ChangeGroup, 'clusters' | 'regions'>;

/**
 * Collects per-cluster changes and groups identical ones across clusters; the offline diff and the
 * live preview both report through it.
 */
export class ChangeGrouper {
  private readonly groups = new Map<string, { g: ObjectChange; clusters: string[]; regions: Set<string> }>();
  private readonly targeting = new Map<string, { gained: string[]; lost: string[] }>();
  private readonly changedClusters = new Set<string>();

  /** Records a change of one object on one cluster. */
  public add(cluster: string, region: string, g: ObjectChange): void {
    const sig = canonicalJson([g.bundle, g.object, g.kind, g.fields, g.replacement, g.drift ?? null]);
    const entry = this.groups.get(sig) ?? { g, clusters: [], regions: new Set<string>() };
    entry.clusters.push(cluster);
    entry.regions.add(region);
    this.groups.set(sig, entry);
    this.changedClusters.add(cluster);
  }

  /** Records a cluster gaining (or losing) a bundle. */
  public target(bundle: string, cluster: string, gained: boolean): void {
    const t = this.targeting.get(bundle) ?? { gained: [], lost: [] };
    (gained ? t.gained : t.lost).push(cluster);
    this.targeting.set(bundle, t);
  }

  /** The grouped report: replacements first, then removals, changes and additions. */
  public finish(header: {
    source: FleetDiff['source'];
    base: string;
    head: string;
    clustersAdded: readonly string[];
    clustersRemoved: readonly string[];
    errors?: readonly StepError[];
  }): FleetDiff {
    const rank = (g: ChangeGroup): number => (g.replacement.length > 0 ? 0 : g.kind === 'removed' ? 1 : g.kind === 'changed' ? 2 : 3);
    const list: ChangeGroup[] = [...this.groups.values()]
      .map(({ g, clusters: cs, regions }) => ({ ...g, clusters: cs.sort(byteOrder), regions: [...regions].sort(byteOrder) }))
      .sort(
        (x, y) =>
          rank(x) - rank(y) || byteOrder(x.bundle, y.bundle) || byteOrder(x.object, y.object) || byteOrder(x.clusters[0], y.clusters[0]),
      );
    const count = (kind: ChangeKind): number => list.filter((g) => g.kind === kind).reduce((n, g) => n + g.clusters.length, 0);
    return {
      schemaVersion: 1,
      source: header.source,
      base: header.base,
      head: header.head,
      summary: {
        clustersChanged: this.changedClusters.size,
        objectsAdded: count('added'),
        objectsRemoved: count('removed'),
        objectsChanged: count('changed'),
        replacements: list.filter((g) => g.replacement.length > 0).reduce((n, g) => n + g.clusters.length, 0),
        groups: list.length,
      },
      clustersAdded: [...header.clustersAdded].sort(byteOrder),
      clustersRemoved: [...header.clustersRemoved].sort(byteOrder),
      targeting: [...this.targeting.entries()]
        .sort(([a], [b]) => byteOrder(a, b))
        .map(([bundle, t]) => ({ bundle, gained: [...t.gained].sort(byteOrder), lost: [...t.lost].sort(byteOrder) })),
      groups: list,
      ...(header.errors && header.errors.length > 0 ? { errors: header.errors } : {}),
    };
  }
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
  if (apiGroup(before.apiVersion) !== '' && apiGroup(before.apiVersion) !== apiGroup(after.apiVersion)) {
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
  const grouper = new ChangeGrouper();
  for (const cluster of clusters) {
    const b = base.clusters[cluster] ?? {};
    const h = head.clusters[cluster] ?? {};
    const region = head.regions[cluster] ?? base.regions[cluster];
    for (const bundle of [...new Set([...Object.keys(b), ...Object.keys(h)])].sort(byteOrder)) {
      if (!bundle.startsWith('_') && !(bundle in b) !== !(bundle in h)) grouper.target(bundle, cluster, bundle in h);
      const before = b[bundle] ?? new Map<string, DesiredObject>();
      const after = h[bundle] ?? new Map<string, DesiredObject>();
      for (const key of [...new Set([...before.keys(), ...after.keys()])].sort(byteOrder)) {
        const o = before.get(key);
        const n = after.get(key);
        if (!o && n) grouper.add(cluster, region, { bundle, object: key, kind: 'added', fields: [], replacement: [] });
        else if (o && !n) grouper.add(cluster, region, { bundle, object: key, kind: 'removed', fields: [], replacement: [] });
        else if (o && n && o.sha256 !== n.sha256) {
          const [before, after] = [o.manifest(), n.manifest()];
          const ops = jsonCompare(before, after);
          if (ops.length === 0) continue;
          grouper.add(cluster, region, {
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
  return grouper.finish({
    source: 'desired',
    ...labels,
    clustersAdded: clusters.filter((c) => !(c in base.clusters)),
    clustersRemoved: clusters.filter((c) => !(c in head.clusters)),
  });
}

/** Whether a diff has any change. */
export function hasChanges(d: FleetDiff): boolean {
  return d.groups.length > 0 || d.targeting.length > 0 || d.clustersAdded.length > 0 || d.clustersRemoved.length > 0;
}
