/**
 * Entry point of the Pulumi project (`Pulumi.yaml` `main`): `pulumi up -s <region>` deploys that
 * region. The stack outputs are the `FleetStackOutputs` contract.
 */
import { fleetProgram } from './program';

export = async (): Promise<Record<string, unknown>> => {
  const outputs = fleetProgram();
  return {
    schemaVersion: outputs.schemaVersion,
    fleet: outputs.fleet,
    region: outputs.region,
    clusters: outputs.clusters,
    bundles: outputs.bundles,
    rollout: outputs.rollout,
  };
};
