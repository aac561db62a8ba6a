/**
 * Deploying a fleet with Pulumi: call {@link deployFleet} from your project's Pulumi program
 * (`index.ts`), and run `pulumi up -s <region>` (or `npx fleetwright up`). One stack per region;
 * each stack synthesizes its region's clusters and applies them through one Kubernetes provider per
 * cluster, in rollout order.
 *
 * @packageDocumentation
 */
import * as pulumi from '@pulumi/pulumi';
import { Fleet } from '../model/fleet';
import { fleetStackExports } from '../deploy/program';
import { FleetStackOutputs } from '../deploy/outputs';

export { RegionDeployment, RegionDeploymentArgs } from '../deploy/region';
export { BundleDeployment, BundleDeploymentArgs, ClusterDeployment, ClusterDeploymentArgs, DeploySettings } from '../deploy/components';
export { BundleState, ClusterBundleStatus, ClusterStatus, BundleStatus, FleetStackOutputs, ServiceEndpoint } from '../deploy/outputs';
export { FieldDrift, ObjectState, ObjectStatus } from '../status/schema';

/** Options of {@link deployFleet}. */
export interface DeployFleetOptions {
  /**
   * Folder that relative paths in the stack config (`fleetwright:kubeconfigDir`) are relative to.
   *
   * @default - the project root: the nearest folder above the working directory with a Pulumi.yaml
   */
  readonly root?: string;
}

/** The stack outputs of {@link deployFleet}, one Pulumi output per `FleetStackOutputs` field. */
export type FleetStackExports = { readonly [K in keyof FleetStackOutputs]: pulumi.Output<FleetStackOutputs[K]> };

/**
 * The fleetwright Pulumi program: synthesizes the stack's region of `fleet` and deploys it. Reads
 * the stack config: `fleetwright:region` (default: the stack name), the kubeconfigs
 * (`fleetwright:kubeconfigs`, a secret map of cluster name to kubeconfig, or
 * `fleetwright:kubeconfigDir`, a folder of `<cluster>.kubeconfig` files), `fleetwright:skipAwait`
 * and `fleetwright:readyTimeout`. Export what it returns from your program: those are the stack
 * outputs other teams read (see `FleetStackOutputs`).
 *
 * @example
 * // index.ts of a fleet project
 * import { deployFleet } from 'fleetwright/pulumi';
 * import fleet from './fleet';
 * export = deployFleet(fleet);
 *
 * @param fleet the fleet
 * @param options where relative config paths start
 * @returns the stack outputs
 */
export function deployFleet(fleet: Fleet, options: DeployFleetOptions = {}): FleetStackExports {
  return fleetStackExports({ fleet, root: options.root }) as unknown as FleetStackExports;
}
