import * as pulumi from '@pulumi/pulumi';
import { REGION_COMPONENT } from '../model/identity';
import { byteOrder } from '../model/names';
import { RolloutPlan } from '../model/rollout';
import { RegionShard } from '../model/shards';
import { FleetSynthesis } from '../synth/synth';
import { ClusterDeployment, DeploySettings } from './components';
import { BundleStatus, ClusterStatus, FleetStackOutputs } from './outputs';

/** Arguments of a {@link RegionDeployment}. */
export interface RegionDeploymentArgs {
  /** The region the stack deploys. */
  readonly region: string;
  /**
   * The shard of the region this stack deploys (the synthesis and rollout hold its clusters only).
   *
   * @default - the whole region
   */
  readonly shard?: RegionShard;
  /** The region's synthesized clusters. */
  readonly synthesis: FleetSynthesis;
  /** Each cluster's kubeconfig, as secrets. */
  readonly kubeconfigs: Readonly<Record<string, pulumi.Input<string>>>;
  /** The rollout plan over the region's clusters. */
  readonly rollout: RolloutPlan;
  /** Settings for every object. */
  readonly settings: DeploySettings;
}

/**
 * A region's clusters, deployed in rollout order: every wave of a partition waits until every
 * object of the previous wave is applied and Ready, so a failing partition stops the rollout before
 * later partitions are touched.
 */
export class RegionDeployment extends pulumi.ComponentResource {
  /** The stack outputs contract. */
  public readonly outputs: pulumi.Output<FleetStackOutputs>;

  /**
   * @param name component name (the program uses `fleet`)
   * @param args what to deploy
   * @param opts resource options
   */
  constructor(name: string, args: RegionDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
    super(REGION_COMPONENT, name, {}, opts);
    const byName = new Map(args.synthesis.clusters.map((c) => [c.name, c]));
    const deployments = new Map<string, ClusterDeployment>();
    let previousWave: ClusterDeployment[] = [];
    for (const partition of args.rollout.partitions) {
      for (const wave of partition.waves) {
        const current = wave.map((clusterName) => {
          const cluster = byName.get(clusterName);
          if (!cluster) throw new Error(`rollout plan names cluster '${clusterName}', which the synthesis does not have`);
          const d = new ClusterDeployment(
            clusterName,
            {
              fleet: args.synthesis.fleet,
              cluster,
              kubeconfig: args.kubeconfigs[clusterName],
              partition: partition.name,
              settings: args.settings,
            },
            // The objects of the previous wave, not its components: reading a cluster's status
            // after its objects are Ready must not hold up the next wave.
            { parent: this, dependsOn: previousWave.flatMap((w) => w.deployed) },
          );
          deployments.set(clusterName, d);
          return d;
        });
        previousWave = current;
      }
    }
    const names = [...deployments.keys()].sort(byteOrder);
    this.outputs = pulumi.all(names.map((n) => (deployments.get(n) as ClusterDeployment).status)).apply((statuses) => {
      const clusters: Record<string, ClusterStatus> = {};
      names.forEach((n, i) => (clusters[n] = statuses[i]));
      // Clusters no rollout partition matches get nothing: their bundles wait, as Fleet's Pending.
      for (const n of args.rollout.notRolledOut) {
        const c = byName.get(n);
        if (!c) continue;
        clusters[n] = {
          region: c.region,
          partition: '',
          state: c.bundles.length > 0 ? 'Pending' : 'Ready',
          bundles: Object.fromEntries(
            c.bundles.map((b) => [b.name, { state: 'Pending' as const, objects: b.objects.length, target: b.target }]),
          ),
          endpoints: [],
        };
      }
      const observedAt = Object.values(clusters)
        .map((c) => c.observedAt)
        .filter((t): t is string => t !== undefined);
      const bundleNames = [...new Set(args.synthesis.clusters.flatMap((c) => c.bundles.map((b) => b.name)))].sort(byteOrder);
      const bundles: Record<string, BundleStatus> = {};
      for (const b of bundleNames) {
        const on = args.synthesis.clusters.filter((c) => c.bundles.some((x) => x.name === b)).map((c) => c.name);
        const ready = on.filter((c) => clusters[c]?.bundles[b]?.state === 'Ready').length;
        bundles[b] = { desiredClusters: on.length, readyClusters: ready, display: `${ready}/${on.length}`, clusters: on };
      }
      return {
        schemaVersion: 2 as const,
        fleet: args.synthesis.fleet,
        region: args.region,
        clusters,
        bundles,
        ...(observedAt.length > 0 ? { observedAt: observedAt.sort().at(-1) } : {}),
        ...(args.shard && args.shard.index > 0 ? { shard: { index: args.shard.index, of: args.shard.of } } : {}),
        rollout: args.rollout.partitions.map((p) => ({ partition: p.name, clusters: p.waves.flat() })),
      };
    });
    this.registerOutputs({ outputs: this.outputs });
  }
}
