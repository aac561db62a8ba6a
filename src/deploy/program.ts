import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { FleetValidationError, formatProblem } from '../model/errors';
import { Fleet } from '../model/fleet';
import { rolloutPlan } from '../model/placement';
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

/**
 * The fleetwright Pulumi program: synthesizes the stack's region and deploys it, one provider per
 * cluster, in rollout order. Reads the stack config (`fleetwright:region`, default the stack name;
 * `fleetwright:kubeconfigs` or `fleetwright:kubeconfigDir`; `fleetwright:skipAwait`;
 * `fleetwright:readyTimeout`; `fleetwright:observe`; `fleetwright:fleet`).
 *
 * @returns the stack outputs (see `FleetStackOutputs`)
 */
export function fleetProgram(options: FleetProgramOptions = {}): pulumi.Output<FleetStackOutputs> {
  const config = new pulumi.Config('fleetwright');
  const root = options.root ?? projectRoot();
  const region = config.get('region') ?? pulumi.getStack();
  const fleet = options.fleet ?? loadFleet(config.get('fleet') && path.resolve(root, config.get('fleet') as string));
  let synthesis;
  try {
    synthesis = synthesizeFleet(fleet, { region });
  } catch (e) {
    if (e instanceof FleetValidationError) throw new pulumi.RunError(e.message);
    throw e;
  }
  for (const w of synthesis.warnings) void pulumi.log.warn(formatProblem(w));
  const plan = rolloutPlan(fleet, region);
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
export function fleetStackExports(options: FleetProgramOptions = {}): Record<keyof FleetStackOutputs, pulumi.Output<unknown>> {
  const o = fleetProgram(options);
  return {
    schemaVersion: o.schemaVersion,
    fleet: o.fleet,
    region: o.region,
    clusters: o.clusters,
    bundles: o.bundles,
    observedAt: o.apply((x) => x.observedAt),
    rollout: o.rollout,
  };
}
