/**
 * The stack outputs contract: what other teams read with `StackReference`. Plain data, no
 * secrets. Versioned by `schemaVersion`; fields are only ever added.
 */

/** Fleet's bundle states, worst first in roll-ups. */
export type BundleState = 'ErrApplied' | 'WaitApplied' | 'Modified' | 'OutOfSync' | 'Pending' | 'NotReady' | 'Ready';

/** Rank of each state for roll-ups (higher is worse), as Fleet ranks them. */
export const STATE_RANK: Readonly<Record<BundleState, number>> = {
  ErrApplied: 7,
  WaitApplied: 6,
  Modified: 5,
  OutOfSync: 4,
  Pending: 3,
  NotReady: 2,
  Ready: 1,
};

/** The worst of several states (Ready when there are none). */
export function worstState(states: readonly BundleState[]): BundleState {
  return states.reduce<BundleState>((worst, s) => (STATE_RANK[s] > STATE_RANK[worst] ? s : worst), 'Ready');
}

/** One bundle on one cluster. */
export interface ClusterBundleStatus {
  /** The bundle's state on the cluster. */
  readonly state: BundleState;
  /** Number of objects the bundle puts on the cluster. */
  readonly objects: number;
  /** The target or customization that placed it. */
  readonly target: string;
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
  /** Version of this contract. */
  readonly schemaVersion: 1;
  /** Fleet name. */
  readonly fleet: string;
  /** Region the stack deploys. */
  readonly region: string;
  /** Per cluster. */
  readonly clusters: Readonly<Record<string, ClusterStatus>>;
  /** Per bundle. */
  readonly bundles: Readonly<Record<string, BundleStatus>>;
  /** Rollout partitions in order, with their clusters. */
  readonly rollout: readonly { readonly partition: string; readonly clusters: readonly string[] }[];
}
