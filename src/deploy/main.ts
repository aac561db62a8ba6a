/**
 * Entry point of the Pulumi project (`Pulumi.yaml` `main`): `pulumi up -s <region>` deploys that
 * region. The stack outputs are the `FleetStackOutputs` contract.
 */
import { fleetStackExports } from './program';

export = async (): Promise<Record<string, unknown>> => fleetStackExports();
