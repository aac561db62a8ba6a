import { byteOrder } from './names';
import { ClusterFacts, TargetCriteria, targetMatches } from './targeting';

/**
 * A number of clusters, absolute or as a percentage of a set (Fleet's int-or-percent).
 */
export class ClusterCount {
  /** An absolute number of clusters. */
  public static of(count: number): ClusterCount {
    return new ClusterCount(count, false);
  }

  /** A percentage of the clusters in the set, rounded down, at least 1. */
  public static percent(percent: number): ClusterCount {
    return new ClusterCount(percent, true);
  }

  private constructor(
    /** The number, or the percentage. */
    public readonly value: number,
    /** Whether `value` is a percentage. */
    public readonly isPercent: boolean,
  ) {}

  /** Resolves against a set of `total` clusters: at least 1. */
  public resolve(total: number): number {
    const n = this.isPercent ? Math.floor((total * this.value) / 100) : this.value;
    return Math.max(1, Math.min(Math.max(total, 1), n));
  }

  /** `25%` or `3`. */
  public toString(): string {
    return this.isPercent ? `${this.value}%` : String(this.value);
  }
}

/** A manual rollout partition: the clusters its criteria match, in order (Fleet's `partitions[]`). */
export interface RolloutPartition extends TargetCriteria {
  /** Name shown in plans, errors and status. */
  readonly name: string;
  /**
   * At most this many clusters of the partition are updated at once.
   *
   * @default - the strategy's maxUnavailable
   */
  readonly maxUnavailable?: ClusterCount;
}

/**
 * How changes roll out across clusters (Fleet's `rolloutStrategy`, made previewable): clusters are
 * split into partitions, deployed one after the other; a partition starts only when every workload
 * of the previous one is Ready. Within a partition, at most `maxUnavailable` clusters are updated
 * at once (in waves).
 */
export interface RolloutStrategy {
  /**
   * Manual partitions, processed in order; a cluster belongs to the first partition it matches.
   * Like Fleet, clusters matching no manual partition are not rolled out (a warning).
   *
   * @default - automatic partitions
   */
  readonly partitions?: readonly RolloutPartition[];
  /**
   * At most this many clusters of a partition are updated at once.
   *
   * @default ClusterCount.percent(100)
   */
  readonly maxUnavailable?: ClusterCount;
  /**
   * Size of automatic partitions; clusters are taken in name order.
   *
   * @default ClusterCount.percent(25)
   */
  readonly autoPartitionSize?: ClusterCount;
  /**
   * Below this many clusters there is one automatic partition, `All`.
   *
   * @default 200
   */
  readonly autoPartitionThreshold?: number;
}

/** One partition of a rollout plan. */
export interface PlannedPartition {
  /** Partition name. */
  readonly name: string;
  /** Clusters updated together, wave after wave; each wave has at most maxUnavailable clusters. */
  readonly waves: readonly (readonly string[])[];
  /** The resolved maxUnavailable. */
  readonly maxUnavailable: number;
}

/** The order clusters are deployed in. */
export interface RolloutPlan {
  /** Partitions in order. */
  readonly partitions: readonly PlannedPartition[];
  /** Clusters no manual partition matches: not rolled out. */
  readonly notRolledOut: readonly string[];
}

function waves(clusters: readonly string[], maxUnavailable: number): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < clusters.length; i += maxUnavailable) out.push(clusters.slice(i, i + maxUnavailable));
  return out;
}

/**
 * Plans a rollout over clusters with Fleet's partition rules.
 *
 * @param clusters the clusters to deploy (any order; automatic partitions sort them by name)
 * @param strategy the strategy
 */
export function planRollout(clusters: readonly ClusterFacts[], strategy: RolloutStrategy = {}): RolloutPlan {
  const defaultMax = strategy.maxUnavailable ?? ClusterCount.percent(100);
  const sorted = [...clusters].sort((a, b) => byteOrder(a.name, b.name));
  if (strategy.partitions && strategy.partitions.length > 0) {
    const assigned = new Set<string>();
    const partitions = strategy.partitions.map((p) => {
      const members = sorted.filter((c) => !assigned.has(c.name) && targetMatches(p, c)).map((c) => c.name);
      members.forEach((m) => assigned.add(m));
      const max = (p.maxUnavailable ?? defaultMax).resolve(members.length);
      return { name: p.name, waves: waves(members, max), maxUnavailable: max };
    });
    return {
      partitions: partitions.filter((p) => p.waves.length > 0),
      notRolledOut: sorted.filter((c) => !assigned.has(c.name)).map((c) => c.name),
    };
  }
  const names = sorted.map((c) => c.name);
  if (names.length === 0) return { partitions: [], notRolledOut: [] };
  const threshold = strategy.autoPartitionThreshold ?? 200;
  const size = names.length < threshold ? names.length : (strategy.autoPartitionSize ?? ClusterCount.percent(25)).resolve(names.length);
  const partitions: PlannedPartition[] = [];
  for (let i = 0; i < names.length; i += size) {
    const members = names.slice(i, i + size);
    const max = defaultMax.resolve(members.length);
    partitions.push({
      name: names.length < threshold ? 'All' : `Partition ${i} - ${i + members.length - 1}`,
      waves: waves(members, max),
      maxUnavailable: max,
    });
  }
  return { partitions, notRolledOut: [] };
}
