import * as os from 'node:os';
import type { Workspace } from '@pulumi/pulumi/automation';
import { CLUSTER_COMPONENT } from '../model/identity';
import { parseShardStack } from '../model/shards';
import { byteOrder } from '../model/names';
import { exportState, importState } from './state';

/**
 * Where a sharded region's clusters are deployed from, and moving them between stacks: the stack a
 * cluster leaves releases it from its state (nothing on the cluster changes), and the stack it
 * joins adopts its objects with a server-side apply. (`pulumi state move` cannot move them: it
 * breaks the snapshot of a component whose children include its provider, pulumi 3.259.)
 */

/** A cluster deployed by a stack: its component's URN. */
export interface DeployedCluster {
  /** Cluster name. */
  readonly cluster: string;
  /** URN of its ClusterDeployment component in that stack. */
  readonly urn: string;
}

/** The cluster a resource of a fleetwright stack belongs to (its name starts with the cluster). */
function clusterOfUrn(urn: string): string {
  return urn.slice(urn.lastIndexOf('::') + 2).split('/')[0];
}

/** The stacks of a region that exist: the region stack `base` and its shards `base.<n>`, sorted. */
export async function regionStacks(ws: Workspace, base: string): Promise<string[]> {
  const names = (await ws.listStacks()).map((s) => s.name.split('/').pop() as string);
  return names.filter((n) => parseShardStack(n).base === base).sort();
}

/** The clusters a stack's state holds (from `pulumi stack export`). */
export async function deployedClusters(ws: Workspace, stack: string): Promise<DeployedCluster[]> {
  const exported = await exportState(ws, stack);
  const resources = (exported.deployment?.resources ?? []).filter((r) => r.type === CLUSTER_COMPONENT);
  // The component is named after its cluster.
  return resources.map((r) => ({ cluster: r.urn.slice(r.urn.lastIndexOf('::') + 2), urn: r.urn }));
}

/** A move of some clusters' state from one stack to another. */
export interface ClusterMove {
  /** Source stack. */
  readonly from: string;
  /** Destination stack. */
  readonly to: string;
  /** The clusters, sorted. */
  readonly clusters: readonly string[];
  /** Their components' URNs in the source stack. */
  readonly urns: readonly string[];
}

/**
 * The moves that put every cluster into the stack it belongs to.
 *
 * @param located where each cluster's state is now, per stack
 * @param wanted the stack each cluster belongs to
 */
export function plannedMoves(located: ReadonlyMap<string, readonly DeployedCluster[]>, wanted: ReadonlyMap<string, string>): ClusterMove[] {
  const moves = new Map<string, { from: string; to: string; clusters: string[]; urns: string[] }>();
  for (const [from, clusters] of [...located].sort(([a], [b]) => byteOrder(a, b))) {
    for (const c of clusters) {
      const to = wanted.get(c.cluster);
      if (to === undefined || to === from) continue;
      const key = `${from}\u0000${to}`;
      const m = moves.get(key) ?? { from, to, clusters: [], urns: [] };
      m.clusters.push(c.cluster);
      m.urns.push(c.urn);
      moves.set(key, m);
    }
  }
  return [...moves.values()].map((m) => ({ ...m, clusters: [...m.clusters].sort() }));
}

/**
 * Releases clusters from a stack's state without touching the clusters: their components and
 * every child (provider, namespaces, bundles, objects) leave the state, and other clusters'
 * rollout dependencies on them are dropped (the program records them again on its next run).
 * The stack that deploys the clusters now adopts their objects with its first server-side apply
 * (same field manager, same objects: nothing is deleted or recreated). Secrets stay encrypted: the
 * state is exported and imported to the same stack, through `pulumi` with no file in between.
 *
 * @returns how many resources left the state
 */
export async function releaseClusters(ws: Workspace, stack: string, clusters: readonly string[]): Promise<number> {
  const exported = await exportState(ws, stack);
  const resources = exported.deployment?.resources ?? [];
  const gone = new Set(clusters);
  const kept = resources.filter((r) => r.type === 'pulumi:pulumi:Stack' || !gone.has(clusterOfUrn(r.urn)));
  for (const r of kept) if (r.dependencies) r.dependencies = r.dependencies.filter((d) => !gone.has(clusterOfUrn(d)));
  if (kept.length === resources.length) return 0;
  await importState(ws, stack, { ...exported, deployment: { ...exported.deployment, resources: kept } });
  return resources.length - kept.length;
}

/**
 * Resident memory of one `pulumi-resource-kubernetes` process with one cluster's objects, in MiB
 * (measured: BENCHMARKS.md "Large regions").
 */
export const PROVIDER_MIB = 113;
/**
 * Resident memory of one stack run besides its providers (fleetwright with the program, the engine),
 * in MiB (measured: 3.45 GiB at the peak of a 25-cluster stack's first `up`, BENCHMARKS.md "Large
 * regions").
 */
export const STACK_RUN_MIB = 700;

/**
 * How many stacks run at once by default: as many as fit in a third of the machine's memory,
 * counting one provider per cluster of the largest stack, at most 8 and at most `stacks`.
 *
 * @param clustersPerStack the clusters each stack deploys
 * @param totalMiB the machine's memory
 */
export function defaultParallelism(clustersPerStack: readonly number[], totalMiB = os.totalmem() / 2 ** 20): number {
  const perRun = STACK_RUN_MIB + PROVIDER_MIB * Math.max(1, ...clustersPerStack);
  return Math.max(1, Math.min(8, clustersPerStack.length, Math.floor(totalMiB / 3 / perRun)));
}
