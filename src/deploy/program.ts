import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { FleetValidationError, formatProblem } from '../model/errors';
import { Fleet } from '../model/fleet';
import { rolloutPlan } from '../model/placement';
import { RegionShard, parseShardStack, regionShards, restrictPlan } from '../model/shards';
import { synthesizeFleet } from '../synth/synth';
import { resolveKubeconfigs } from './kubeconfig';
import { loadFleet } from '../project/load';
import { projectRoot } from '../project/paths';
import { FleetStackOutputs } from './outputs';
import { RegionDeployment } from './region';

/** Options of {@link fleetProgram}. */
export interface FleetProgramOptions {
  /**
   * The fleet to deploy.
   *
   * @default - the module named by `fleetwright:fleet`, else the project's own fleet
   */
  readonly fleet?: Fleet;
  /**
   * Folder that relative paths in the stack config are relative to.
   *
   * @default - the project root: the nearest folder above the working directory with a Pulumi.yaml
   */
  readonly root?: string;
}

/** The shard a stack deploys: `fleetwright:shard`, else from a stack name `<region>.<n>`; 0 for a region stack. */
function shardIndex(config: pulumi.Config): number {
  return config.getNumber('shard') ?? parseShardStack(pulumi.getStack()).index;
}

/**
 * The shard a stack deploys, or a RunError saying why the stack must not run now: the region stack
 * of a sharded region, a shard stack of a region that has fewer shards (or none), or a shard stack
 * whose clusters were assigned for another number of shards (`fleetwright up` moves them first).
 *
 * @param index the stack's shard (0: the region stack)
 * @param reconciled the number of shards fleetwright last moved the region's clusters for
 */
function stackShard(fleet: Fleet, region: string, index: number, reconciled: number | undefined): RegionShard {
  const shards = regionShards(fleet, region);
  const stack = pulumi.getStack();
  const count = shards.length;
  const names = shards[0].index === 0 ? 'none' : `${shards.length} shard stacks, ${stack.replace(/\.\d+$/, '')}.1 … .${count}`;
  const fix =
    `run \`npx fleetwright up --region ${region}\` (add --local for the local fleet): it moves each cluster's state to its ` +
    'shard first (nothing is deleted on the clusters), then deploys every shard';
  const shard = shards.find((s) => s.index === index);
  if (!shard) {
    throw new pulumi.RunError(
      index === 0
        ? `stack ${stack} must not deploy region ${region}: the region's clusters (more than the fleet's shardSize ${fleet.shardSize}) ` +
            `are deployed by ${names}. To deploy them, ${fix}.`
        : `stack ${stack} is shard ${index} of region ${region}, which now has ${count === 1 ? 'no shards (one stack)' : `${count} shards`}; ${fix}.`,
    );
  }
  if (index > 0 && reconciled !== undefined && reconciled !== count) {
    throw new pulumi.RunError(
      `stack ${stack}: region ${region} now has ${count} shards, but its clusters were last placed for ${reconciled}; ` +
        `some clusters belong to other shards now. To move them without deleting anything, ${fix}.`,
    );
  }
  return shard;
}

/**
 * The fleetwright Pulumi program: synthesizes the stack's region and deploys it, one provider per
 * cluster, in rollout order. Reads the stack config (`fleetwright:region`, default the stack name;
 * `fleetwright:shard`, default from a stack name `<region>.<n>`;
 * `fleetwright:kubeconfigs` or `fleetwright:kubeconfigDir`; `fleetwright:skipAwait`;
 * `fleetwright:readyTimeout`; `fleetwright:observe`; `fleetwright:fleet`).
 *
 * @returns the stack outputs (see `FleetStackOutputs`)
 */
export function fleetProgram(options: FleetProgramOptions = {}): pulumi.Output<FleetStackOutputs> {
  const config = new pulumi.Config('fleetwright');
  const root = options.root ?? projectRoot();
  const region = config.get('region') ?? parseShardStack(pulumi.getStack()).base;
  const fleet = options.fleet ?? loadFleet(config.get('fleet') && path.resolve(root, config.get('fleet') as string));
  let synthesis;
  try {
    synthesis = synthesizeFleet(fleet, { region });
  } catch (e) {
    if (e instanceof FleetValidationError) throw new pulumi.RunError(e.message);
    throw e;
  }
  const shard = stackShard(fleet, region, shardIndex(config), config.getNumber('shards'));
  const inShard = new Set(shard.clusters);
  synthesis = { ...synthesis, clusters: synthesis.clusters.filter((c) => inShard.has(c.name)) };
  for (const w of synthesis.warnings) void pulumi.log.warn(formatProblem(w));
  const plan = restrictPlan(rolloutPlan(fleet, region), shard.clusters);
  if (plan.notRolledOut.length > 0) {
    void pulumi.log.warn(
      `clusters ${plan.notRolledOut.join(', ')} match no rollout partition and are not deployed; add a partition for them`,
    );
  }
  const secretNames = Object.keys(config.getObject<Record<string, unknown>>('kubeconfigs') ?? {});
  const dir = config.get('kubeconfigDir');
  let kubeconfigs;
  try {
    kubeconfigs = resolveKubeconfigs(synthesis.clusters, {
      secrets: secretNames.length > 0 ? config.requireSecretObject<Record<string, string>>('kubeconfigs') : undefined,
      secretNames,
      dir: dir === undefined ? undefined : path.resolve(root, dir),
    });
  } catch (e) {
    throw new pulumi.RunError((e as Error).message);
  }
  const deployment = new RegionDeployment('fleet', {
    region,
    shard,
    synthesis,
    kubeconfigs,
    rollout: plan,
    settings: {
      skipAwait: config.getBoolean('skipAwait') ?? false,
      readyTimeout: config.get('readyTimeout'),
      observe: config.getBoolean('observe') ?? true,
    },
  });
  return deployment.outputs;
}

/**
 * The program's stack outputs, one per `FleetStackOutputs` field (Pulumi shows and stores each
 * top-level output separately).
 */
export function fleetStackExports(
  options: FleetProgramOptions = {},
): Record<Exclude<keyof FleetStackOutputs, 'shard'>, pulumi.Output<unknown>> & { shard?: pulumi.Output<unknown> } {
  const o = fleetProgram(options);
  // Only a shard stack has `shard` (an undefined output would be a warning on every run).
  const sharded = shardIndex(new pulumi.Config('fleetwright')) > 0;
  return {
    schemaVersion: o.schemaVersion,
    fleet: o.fleet,
    region: o.region,
    clusters: o.clusters,
    bundles: o.bundles,
    observedAt: o.apply((x) => x.observedAt),
    rollout: o.rollout,
    ...(sharded ? { shard: o.apply((x) => x.shard) } : {}),
  };
}
