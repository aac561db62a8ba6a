/**
 * The live status document: what `fleetwright status --live --json` prints, what the status page
 * shows and what `up` stores in the stack outputs. Plain data without secret values. Versioned by
 * `schemaVersion`; fields are only ever added (docs/status.md, docs/status.schema.json).
 */
import type { BundleState } from '../model/states';

/** Version of {@link FleetLiveStatus}. */
export const LIVE_STATUS_SCHEMA_VERSION = 1;

/**
 * What fleetwright found for one object:
 * - `Ready`: on the cluster as desired, and ready;
 * - `NotReady`: on the cluster as desired, not ready yet or failing (see the message);
 * - `Missing`: desired, not on the cluster;
 * - `Modified`: a field fleetwright sets was changed on the cluster (see `fields`);
 * - `WaitApplied`: the fleet now wants a different value than the one fleetwright last applied (run `up`);
 * - `Orphaned`: labelled as fleetwright's, no longer desired on this cluster.
 */
export type ObjectState = 'Ready' | 'NotReady' | 'Missing' | 'Modified' | 'WaitApplied' | 'Orphaned';

/** A field whose live value is not the desired one. Secret values are never included. */
export interface FieldDrift {
  /** Path in the object, e.g. `spec.template.spec.containers[name=web].image`. */
  readonly path: string;
  /** The desired value (absent for a Secret's data, or when the field should not exist). */
  readonly desired?: unknown;
  /** The live value (absent for a Secret's data, or when the field is gone). */
  readonly live?: unknown;
  /** The field manager that now owns the field on the cluster, if any (e.g. `kubectl-edit`). */
  readonly manager?: string;
}

/** One object that is not Ready, and why. */
export interface ObjectStatus {
  /** `group/version`. */
  readonly apiVersion: string;
  /** Kind. */
  readonly kind: string;
  /** Namespace ('' for cluster-scoped objects). */
  readonly namespace: string;
  /** Name. */
  readonly name: string;
  /** What was found. */
  readonly state: ObjectState;
  /** Why, in one line (e.g. `0/2 replicas available; pod web-5d9c: Unschedulable: 0/1 nodes are available`). */
  readonly message: string;
  /** For Modified and WaitApplied: the fields that differ. */
  readonly fields?: readonly FieldDrift[];
}

/** One bundle on one cluster. */
export interface LiveBundleStatus {
  /** Fleet's state of the bundle on the cluster. */
  readonly state: BundleState;
  /** Objects the bundle puts on the cluster. */
  readonly desiredObjects: number;
  /** Of those, objects that are on the cluster as desired and ready. */
  readonly readyObjects: number;
  /** Every object that is not Ready (no cap), and orphans still labelled with this bundle. */
  readonly nonReady: readonly ObjectStatus[];
}

/** One cluster. */
export interface LiveClusterStatus {
  /** Region. */
  readonly region: string;
  /** Cluster groups the cluster is in. */
  readonly groups: readonly string[];
  /** Rollout partition ('' when no partition matches it). */
  readonly partition: string;
  /** Whether the API server answered. */
  readonly reachable: boolean;
  /** Why the cluster could not be read (credentials masked). */
  readonly error?: string;
  /** Worst state of its bundles (`Unknown` when unreachable). */
  readonly state: BundleState;
  /** When the cluster was read (ISO 8601). */
  readonly observedAt: string;
  /** How long reading it took, in milliseconds. */
  readonly durationMs: number;
  /** Per bundle desired on the cluster. */
  readonly bundles: Readonly<Record<string, LiveBundleStatus>>;
  /** Objects labelled as this fleet's on this cluster whose bundle is no longer desired here. */
  readonly orphaned: readonly ObjectStatus[];
}

/** A roll-up over clusters (a region, a cluster group, the fleet). */
export interface Rollup {
  /** The worst state. */
  readonly state: BundleState;
  /** Clusters counted. */
  readonly clusters: readonly string[];
  /** Clusters whose every bundle is Ready. */
  readonly readyClusters: number;
  /** Clusters that could not be read. */
  readonly unreachableClusters: number;
  /** Bundle deployments (bundle × cluster) per state. */
  readonly counts: Readonly<Partial<Record<BundleState, number>>>;
}

/** One bundle across clusters, as Fleet displays it. */
export interface LiveBundleSummary {
  /** Clusters the bundle is desired on. */
  readonly desiredClusters: number;
  /** Clusters where it is Ready. */
  readonly readyClusters: number;
  /** Fleet's `ready/desired`. */
  readonly display: string;
  /** The worst state over its clusters. */
  readonly state: BundleState;
  /** Clusters per state. */
  readonly counts: Readonly<Partial<Record<BundleState, number>>>;
}

/** The live status of a fleet (or of the regions read). */
export interface FleetLiveStatus {
  /** Version of this document. */
  readonly schemaVersion: typeof LIVE_STATUS_SCHEMA_VERSION;
  /** Always `FleetLiveStatus`. */
  readonly kind: 'FleetLiveStatus';
  /** Fleet name. */
  readonly fleet: string;
  /** When the read started (ISO 8601). */
  readonly observedAt: string;
  /** Regions read. */
  readonly regions: Readonly<Record<string, Rollup>>;
  /** Cluster groups (of the clusters read). */
  readonly groups: Readonly<Record<string, Rollup>>;
  /** The whole read. */
  readonly summary: Rollup;
  /** Per cluster. */
  readonly clusters: Readonly<Record<string, LiveClusterStatus>>;
  /** Per bundle. */
  readonly bundles: Readonly<Record<string, LiveBundleSummary>>;
}
