import { createHash } from 'node:crypto';
import { DEFAULT_SHARD_SIZE, Fleet } from './fleet';
import { byteOrder } from './names';
import { PlannedPartition, RolloutPlan } from './rollout';

/**
 * Sharded region stacks. A region with more clusters than the fleet's `shardSize` is deployed as
 * several Pulumi stacks, `<region>.1` … `<region>.<n>`, with `n = ceil(clusters / shardSize)`.
 * Each cluster's shard comes from rendezvous hashing of its name: it depends only on the cluster
 * and `n`, so adding or removing a cluster never moves another one, and going from `n` to `n + 1`
 * shards moves only the clusters whose new shard is `n + 1` (about one in `n + 1`).
 */

export { DEFAULT_SHARD_SIZE };

/** One stack's share of a region. */
export interface RegionShard {
  /** The region. */
  readonly region: string;
  /** 1-based shard number; 0 for an unsharded region (its stack is the region stack). */
  readonly index: number;
  /** How many shards the region has (1 when unsharded). */
  readonly of: number;
  /** The clusters of the shard, sorted. */
  readonly clusters: readonly string[];
}

/** How many shards a region of `clusters` clusters has. */
export function shardCount(clusters: number, shardSize: number): number {
  return Math.max(1, Math.ceil(clusters / Math.max(1, shardSize)));
}

function weight(cluster: string, shard: number): bigint {
  return createHash('sha256').update(`${cluster}\u0000${shard}`).digest().readBigUInt64BE(0);
}

/** The shard (1-based) of `cluster` among `shards` shards: the highest rendezvous weight wins. */
export function shardOf(cluster: string, shards: number): number {
  let best = 1;
  let bestWeight = -1n;
  for (let s = 1; s <= shards; s++) {
    const w = weight(cluster, s);
    if (w > bestWeight) {
      best = s;
      bestWeight = w;
    }
  }
  return best;
}

/**
 * A region's shards, in order. An unsharded region has one entry, index 0. Shards no cluster
 * hashes to are still listed (empty), so that shard numbers never shift.
 *
 * @param clusters the region's cluster names
 * @param shardSize the most clusters per stack before sharding
 */
export function planShards(region: string, clusters: readonly string[], shardSize: number): RegionShard[] {
  const sorted = [...clusters].sort(byteOrder);
  const n = shardCount(sorted.length, shardSize);
  if (n === 1) return [{ region, index: 0, of: 1, clusters: sorted }];
  const shards = Array.from({ length: n }, (_, i) => ({ region, index: i + 1, of: n, clusters: [] as string[] }));
  for (const c of sorted) shards[shardOf(c, n) - 1].clusters.push(c);
  return shards;
}

/** The shards of one region of a fleet (see {@link planShards}). */
export function regionShards(fleet: Fleet, region: string): RegionShard[] {
  const clusters = fleet.clusters.filter((c) => c.region === region).map((c) => c.clusterName);
  return planShards(region, clusters, fleet.shardSize);
}

/** The stack suffix of a shard: `` for an unsharded region, `.<n>` otherwise. */
export function shardSuffix(index: number): string {
  return index === 0 ? '' : `.${index}`;
}

/** A region stack name split into its region stack and shard (`us-west.2` → `us-west`, 2). */
export function parseShardStack(stack: string): { readonly base: string; readonly index: number } {
  const m = /^(.*)\.(\d+)$/.exec(stack);
  return m ? { base: m[1], index: Number(m[2]) } : { base: stack, index: 0 };
}

/** The rollout plan restricted to some clusters (a shard): the same partitions, in the same order. */
export function restrictPlan(plan: RolloutPlan, clusters: readonly string[]): RolloutPlan {
  const keep = new Set(clusters);
  const partitions = plan.partitions.map((p): PlannedPartition => ({
    ...p,
    waves: p.waves.map((w) => w.filter((c) => keep.has(c))).filter((w) => w.length > 0),
  }));
  return { partitions, notRolledOut: plan.notRolledOut.filter((c) => keep.has(c)) };
}
