/**
 * The stack outputs contract: what other teams read with `StackReference`. Plain data, no
 * secrets. Versioned by `schemaVersion`; fields are only ever added.
 */

import type { BundleState } from '../model/states';
import type { ObjectStatus } from '../status/schema';
import { byteOrder } from '../model/names';

export { BundleState, STATE_RANK, worstState } from '../model/states';

/** One bundle on one cluster. */
export interface ClusterBundleStatus {
  /** The bundle's state on the cluster. */
  readonly state: BundleState;
  /** Number of objects the bundle puts on the cluster. */
  readonly objects: number;
  /** The target or customization that placed it. */
  readonly target: string;
  /** Objects found on the cluster as desired and ready when `up` read it (schema 2). */
  readonly readyObjects?: number;
  /** Every object that was not Ready when `up` read the cluster, and why (schema 2). */
  readonly nonReady?: readonly ObjectStatus[];
}

/** A Service other teams can reach. */
export interface ServiceEndpoint {
  /** Bundle that deploys it. */
  readonly bundle: string;
  /** Namespace. */
  readonly namespace: string;
  /** Service name. */
  readonly name: string;
  /** In-cluster DNS name. */
  readonly dns: string;
  /** Service ports. */
  readonly ports: readonly number[];
}

/** Outputs of one cluster. */
export interface ClusterStatus {
  /** Region. */
  readonly region: string;
  /** Rollout partition the cluster is in. */
  readonly partition: string;
  /** Worst state of its bundles. */
  readonly state: BundleState;
  /** Bundles on the cluster. */
  readonly bundles: Readonly<Record<string, ClusterBundleStatus>>;
  /** Services deployed on the cluster. */
  readonly endpoints: readonly ServiceEndpoint[];
  /** When `up` read the cluster's live state, after deploying it (ISO 8601; schema 2). */
  readonly observedAt?: string;
  /** Whether the cluster answered that read (schema 2). */
  readonly reachable?: boolean;
  /** Why it could not be read (schema 2). */
  readonly error?: string;
}

/** Outputs of one bundle across the stack's clusters. */
export interface BundleStatus {
  /** Clusters the bundle targets. */
  readonly desiredClusters: number;
  /** Clusters where it is Ready. */
  readonly readyClusters: number;
  /** Fleet's display form, `ready/desired`. */
  readonly display: string;
  /** The clusters, sorted. */
  readonly clusters: readonly string[];
}

/** Everything a fleetwright stack exports. */
export interface FleetStackOutputs {
  /**
   * Version of this contract: 2 since `up` reads the clusters after deploying them (states are
   * observed, not assumed; `observedAt`, `reachable`, `error`, `readyObjects` and `nonReady` were
   * added); 1 before.
   */
  readonly schemaVersion: 2;
  /** Fleet name. */
  readonly fleet: string;
  /** Region the stack deploys. */
  readonly region: string;
  /** Per cluster. */
  readonly clusters: Readonly<Record<string, ClusterStatus>>;
  /** Per bundle. */
  readonly bundles: Readonly<Record<string, BundleStatus>>;
  /** When the last cluster was read (ISO 8601), absent when no cluster was read (schema 2). */
  readonly observedAt?: string;
  /**
   * The shard of a sharded region this stack deploys (its clusters only); absent when the stack
   * deploys the whole region. `fleetwright status` merges a region's shards back into one.
   */
  readonly shard?: { readonly index: number; readonly of: number };
  /** Rollout partitions in order, with their clusters. */
  readonly rollout: readonly { readonly partition: string; readonly clusters: readonly string[] }[];
}

/**
 * One region's outputs from the outputs of its stacks (a sharded region has one per shard): the
 * clusters of every shard, per-bundle counts summed, partitions in order with every shard's
 * clusters, the latest observation time. Outputs of other regions are returned as they are.
 */
export function mergeRegionOutputs(outputs: readonly FleetStackOutputs[]): FleetStackOutputs[] {
  const byRegion = new Map<string, FleetStackOutputs[]>();
  for (const o of outputs) byRegion.set(o.region, [...(byRegion.get(o.region) ?? []), o]);
  return [...byRegion.values()].map((parts) => {
    if (parts.length === 1 && parts[0].shard === undefined) return parts[0];
    const clusters = Object.fromEntries(parts.flatMap((p) => Object.entries(p.clusters)).sort(([a], [b]) => byteOrder(a, b)));
    const bundles: Record<string, BundleStatus> = {};
    for (const name of [...new Set(parts.flatMap((p) => Object.keys(p.bundles)))].sort()) {
      const own = parts.map((p) => p.bundles[name]).filter((b): b is BundleStatus => b !== undefined);
      const desired = own.reduce((n, b) => n + b.desiredClusters, 0);
      const ready = own.reduce((n, b) => n + b.readyClusters, 0);
      bundles[name] = {
        desiredClusters: desired,
        readyClusters: ready,
        display: `${ready}/${desired}`,
        clusters: own.flatMap((b) => b.clusters).sort(),
      };
    }
    const partitions = [...new Set(parts.flatMap((p) => p.rollout.map((r) => r.partition)))];
    const observed = parts
      .map((p) => p.observedAt)
      .filter((t): t is string => t !== undefined)
      .sort();
    return {
      schemaVersion: 2 as const,
      fleet: parts[0].fleet,
      region: parts[0].region,
      clusters,
      bundles,
      ...(observed.length > 0 ? { observedAt: observed[observed.length - 1] } : {}),
      rollout: partitions.map((partition) => ({
        partition,
        clusters: parts.flatMap((p) => p.rollout.find((r) => r.partition === partition)?.clusters ?? []),
      })),
    };
  });
}
