/**
 * From what a cluster should run (the synthesis) and what it runs (the labelled objects read from
 * it) to Fleet's states: per object, per bundle on a cluster, per cluster, and rolled up per region,
 * cluster group and bundle. Pure: the reading is done by `read.ts`.
 *
 * A bundle's state on a cluster follows Fleet's `GetDeploymentState` order: not in a rollout
 * partition and nothing applied → Pending; an object fleetwright has not applied yet →
 * WaitApplied; an object not ready → NotReady; an object missing, modified or orphaned → Modified;
 * else Ready. Roll-ups take the worst state by Fleet's ranking, over every cluster (no cap).
 */
import { apiGroup, objectKey, qualifiedKind } from '../model/identity';
import { byteOrder } from '../model/names';
import type { KubeObject } from '../model/objects';
import { BundleState, STATES_WORST_FIRST, worstState } from '../model/states';
import { BUNDLE_LABEL } from '../synth/synth';
import type { SynthesizedCluster, SynthesizedObject } from '../synth/synth';
import { objectDrift } from './drift';
import { podProblem, POD_OWNER_KINDS, readiness } from './readiness';
import {
  FleetLiveStatus,
  LIVE_STATUS_SCHEMA_VERSION,
  LiveBundleStatus,
  LiveBundleSummary,
  LiveClusterStatus,
  ObjectStatus,
  Rollup,
} from './schema';

/** What was read from one cluster. */
export interface ClusterObservation {
  /** When the read started (ISO 8601). */
  readonly observedAt: string;
  /** How long it took, in milliseconds. */
  readonly durationMs: number;
  /** Set when the cluster could not be read: then nothing else counts. */
  readonly error?: string;
  /** The objects labelled as this fleet's on this cluster. */
  readonly objects: readonly KubeObject[];
  /** Pods of the workloads that are not ready, by `objectKey` of the workload. */
  readonly pods?: Readonly<Record<string, readonly KubeObject[]>>;
}

/** A desired object's identity in the same form as {@link objectKey} gives a live object's. */
function desiredKey(o: SynthesizedObject): string {
  return objectKey({ apiVersion: o.id.apiVersion, kind: o.id.kind, metadata: { name: o.id.name, namespace: o.id.namespace } });
}

/** Whether another object's controller made this one (a Deployment's ReplicaSet, a Job's Pod). */
function controlled(obj: KubeObject): boolean {
  const refs = obj.metadata.ownerReferences as { controller?: boolean }[] | undefined;
  return Array.isArray(refs) && refs.some((r) => r.controller === true);
}

function index(objects: readonly KubeObject[]): Map<string, KubeObject> {
  return new Map(objects.filter((o) => !controlled(o)).map((o) => [objectKey(o), o]));
}

/**
 * The desired workloads on a cluster that are not ready, so the reader can fetch their Pods for the
 * reason (by `objectKey`).
 */
export function notReadyWorkloads(cluster: SynthesizedCluster, objects: readonly KubeObject[]): KubeObject[] {
  const live = index(objects);
  return cluster.bundles
    .flatMap((b) => b.objects)
    .map((o) => live.get(desiredKey(o)))
    .filter(
      (o): o is KubeObject => o !== undefined && POD_OWNER_KINDS.has(qualifiedKind(o.kind, apiGroup(o.apiVersion))) && !readiness(o).ready,
    );
}

function identity(o: {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}): Pick<ObjectStatus, 'apiVersion' | 'kind' | 'namespace' | 'name'> {
  return { apiVersion: o.apiVersion, kind: o.kind, namespace: o.namespace, name: o.name };
}

/** Why a workload's Pods are not ready, deduplicated: `pod web-1: Unschedulable: …; 1 more pod: …`. */
function podReasons(pods: readonly KubeObject[]): string {
  const byProblem = new Map<string, string[]>();
  for (const p of [...pods].sort((a, b) => byteOrder(a.metadata.name, b.metadata.name))) {
    const problem = podProblem(p);
    if (problem === undefined) continue;
    byProblem.set(problem, [...(byProblem.get(problem) ?? []), p.metadata.name]);
  }
  return [...byProblem]
    .map(([problem, names]) => (names.length === 1 ? `pod ${names[0]}: ${problem}` : `pods ${names.join(', ')}: ${problem}`))
    .join('; ');
}

function assessObject(
  desired: SynthesizedObject,
  live: KubeObject | undefined,
  obs: ClusterObservation,
  manager: string,
): ObjectStatus | undefined {
  const id = identity(desired.id);
  if (!live) return { ...id, state: 'Missing', message: 'desired, but not on the cluster; `up --refresh` creates it again' };
  const drift = objectDrift(desired.manifest, live, manager);
  if (drift.pending.length > 0) {
    return {
      ...id,
      state: 'WaitApplied',
      message: `the fleet wants ${drift.pending.map((f) => f.path).join(', ')} changed; run \`up\` to apply it`,
      fields: drift.pending,
    };
  }
  const ready = readiness(live);
  if (!ready.ready) {
    const pods = obs.pods?.[objectKey(live)];
    const why = pods ? podReasons(pods) : '';
    return { ...id, state: 'NotReady', message: why ? `${ready.message}; ${why}` : ready.message };
  }
  if (drift.modified.length > 0) {
    const by = [...new Set(drift.modified.map((f) => f.manager).filter((m): m is string => m !== undefined))];
    return {
      ...id,
      state: 'Modified',
      message: `changed on the cluster${by.length > 0 ? ` by ${by.join(', ')}` : ''}: ${drift.modified.map((f) => f.path).join(', ')}; \`up --refresh\` restores it`,
      fields: drift.modified,
    };
  }
  return undefined;
}

function orphan(obj: KubeObject): ObjectStatus {
  return {
    ...identity({ apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace ?? '', name: obj.metadata.name }),
    state: 'Orphaned',
    message: "labelled as this fleet's, but no bundle wants it on this cluster any more; delete it, or add it back to a bundle",
  };
}

/** Fleet's state of a bundle on a cluster from its objects' states, in `GetDeploymentState`'s order. */
export function bundleState(problems: readonly ObjectStatus[], options: { rolledOut: boolean; anyApplied: boolean }): BundleState {
  if (!options.rolledOut && !options.anyApplied) return 'Pending';
  const has = (...states: ObjectStatus['state'][]): boolean => problems.some((p) => states.includes(p.state));
  if (has('WaitApplied')) return 'WaitApplied';
  if (has('NotReady')) return 'NotReady';
  if (has('Missing', 'Modified', 'Orphaned')) return 'Modified';
  return 'Ready';
}

/** Options of {@link clusterStatus}. */
export interface ClusterStatusOptions {
  /** The cluster's rollout partition ('' when none matches it). */
  readonly partition: string;
  /** fleetwright's server-side apply field manager. */
  readonly manager: string;
}

/** The live status of one cluster. */
export function clusterStatus(cluster: SynthesizedCluster, obs: ClusterObservation, options: ClusterStatusOptions): LiveClusterStatus {
  const common = {
    region: cluster.region,
    groups: cluster.groups,
    partition: options.partition,
    observedAt: obs.observedAt,
    durationMs: obs.durationMs,
  };
  const names = cluster.bundles.map((b) => b.name).sort(byteOrder);
  if (obs.error !== undefined) {
    const bundles: Record<string, LiveBundleStatus> = {};
    for (const b of cluster.bundles)
      bundles[b.name] = { state: 'Unknown', desiredObjects: b.objects.length, readyObjects: 0, nonReady: [] };
    return { ...common, reachable: false, error: obs.error, state: 'Unknown', bundles: sortRecord(bundles, names), orphaned: [] };
  }
  const live = index(obs.objects);
  const desiredKeys = new Set([...cluster.namespaces, ...cluster.bundles.flatMap((b) => b.objects)].map(desiredKey));
  const orphansByBundle = new Map<string, ObjectStatus[]>();
  const orphaned: ObjectStatus[] = [];
  for (const [key, obj] of [...live].sort(([a], [b]) => byteOrder(a, b))) {
    if (desiredKeys.has(key)) continue;
    const bundle = obj.metadata.labels?.[BUNDLE_LABEL];
    if (bundle !== undefined && names.includes(bundle)) orphansByBundle.set(bundle, [...(orphansByBundle.get(bundle) ?? []), orphan(obj)]);
    else orphaned.push(orphan(obj));
  }
  const bundles: Record<string, LiveBundleStatus> = {};
  for (const b of cluster.bundles) {
    const problems: ObjectStatus[] = [];
    let anyApplied = false;
    for (const o of b.objects) {
      const l = live.get(desiredKey(o));
      if (l) anyApplied = true;
      const p = assessObject(o, l, obs, options.manager);
      if (p) problems.push(p);
    }
    const readyObjects = b.objects.length - problems.length;
    problems.push(...(orphansByBundle.get(b.name) ?? []));
    bundles[b.name] = {
      state: bundleState(problems, { rolledOut: options.partition !== '', anyApplied }),
      desiredObjects: b.objects.length,
      readyObjects,
      nonReady: problems,
    };
  }
  const states = Object.values(bundles).map((b) => b.state);
  const state = worstState(orphaned.length > 0 ? [...states, 'Modified'] : states);
  return { ...common, reachable: true, state, bundles: sortRecord(bundles, names), orphaned };
}

function sortRecord<T>(record: Record<string, T>, keys: readonly string[]): Record<string, T> {
  return Object.fromEntries(keys.map((k) => [k, record[k]]));
}

function countStates(states: readonly BundleState[]): Partial<Record<BundleState, number>> {
  const counts: Partial<Record<BundleState, number>> = {};
  for (const s of STATES_WORST_FIRST) {
    const n = states.filter((x) => x === s).length;
    if (n > 0) counts[s] = n;
  }
  return counts;
}

function rollup(names: readonly string[], clusters: Readonly<Record<string, LiveClusterStatus>>): Rollup {
  const members = names.map((n) => clusters[n]);
  return {
    state: worstState(members.map((c) => c.state)),
    clusters: names,
    readyClusters: members.filter((c) => c.state === 'Ready').length,
    unreachableClusters: members.filter((c) => !c.reachable).length,
    counts: countStates(members.flatMap((c) => Object.values(c.bundles).map((b) => b.state))),
  };
}

/**
 * The fleet's live status from its clusters' statuses: roll-ups per region, cluster group and
 * bundle (Fleet's `ready/desired`), and for the whole read.
 *
 * @param fleet the fleet's name
 * @param observedAt when the read started (ISO 8601)
 * @param clusters per cluster
 */
export function fleetStatus(fleet: string, observedAt: string, clusters: Readonly<Record<string, LiveClusterStatus>>): FleetLiveStatus {
  const names = Object.keys(clusters).sort(byteOrder);
  const sorted = sortRecord({ ...clusters }, names);
  const by = (key: (c: LiveClusterStatus) => readonly string[]): Record<string, Rollup> => {
    const members = new Map<string, string[]>();
    for (const n of names) for (const k of key(sorted[n])) members.set(k, [...(members.get(k) ?? []), n]);
    return Object.fromEntries([...members.keys()].sort(byteOrder).map((k) => [k, rollup(members.get(k) as string[], sorted)]));
  };
  const bundleNames = [...new Set(names.flatMap((n) => Object.keys(sorted[n].bundles)))].sort(byteOrder);
  const bundles: Record<string, LiveBundleSummary> = {};
  for (const b of bundleNames) {
    const states = names.map((n) => sorted[n].bundles[b]?.state).filter((s): s is BundleState => s !== undefined);
    const ready = states.filter((s) => s === 'Ready').length;
    bundles[b] = {
      desiredClusters: states.length,
      readyClusters: ready,
      display: `${ready}/${states.length}`,
      state: worstState(states),
      counts: countStates(states),
    };
  }
  return {
    schemaVersion: LIVE_STATUS_SCHEMA_VERSION,
    kind: 'FleetLiveStatus',
    fleet,
    observedAt,
    regions: by((c) => [c.region]),
    groups: by((c) => c.groups),
    summary: rollup(names, sorted),
    clusters: sorted,
    bundles,
  };
}

/** Whether everything desired is Ready. */
export function allReady(status: FleetLiveStatus): boolean {
  return status.summary.state === 'Ready';
}
