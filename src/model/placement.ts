import { Cluster } from './cluster';
import { Fleet } from './fleet';
import { planRollout, RolloutPlan } from './rollout';
import { ClusterFacts, Placement, placeBundle } from './targeting';

/** A bundle × cluster cell of the targeting matrix. */
export interface PlacementCell {
  /** Bundle name. */
  readonly bundle: string;
  /** Cluster name. */
  readonly cluster: string;
  /** The decision and why. */
  readonly placement: Placement;
}

/** The groups each cluster belongs to. @internal */
export function clusterFacts(fleet: Fleet): Map<Cluster, ClusterFacts> {
  const groups = fleet.clusterGroups;
  return new Map(
    fleet.clusters.map((c) => [
      c,
      {
        name: c.clusterName,
        labels: c.labels,
        groups: groups.filter((g) => g.contains(c)).map((g) => ({ name: g.groupName, labels: g.labels })),
      },
    ]),
  );
}

/**
 * The bundle × cluster targeting matrix, with Fleet's semantics, for every bundle and cluster.
 * Does not render anything.
 */
export function placementMatrix(fleet: Fleet): PlacementCell[] {
  const facts = clusterFacts(fleet);
  const cells: PlacementCell[] = [];
  for (const bundle of fleet.bundles) {
    for (const [cluster, f] of facts) {
      cells.push({
        bundle: bundle.bundleName,
        cluster: cluster.clusterName,
        placement: placeBundle(bundle.targets, bundle.targetCustomizations, bundle.targetCustomizationMode, f),
      });
    }
  }
  return cells;
}

/**
 * The rollout plan of a region (or of every cluster): partitions and waves in deploy order.
 *
 * @param fleet the fleet, whose `rolloutStrategy` applies
 * @param region only this region's clusters
 * @default region - every cluster
 */
export function rolloutPlan(fleet: Fleet, region?: string): RolloutPlan {
  const facts = [...clusterFacts(fleet)].filter(([c]) => region === undefined || c.region === region).map(([, f]) => f);
  return planRollout(facts, fleet.rolloutStrategy);
}
