/** The Pulumi program (`Pulumi.yaml` `main`): `pulumi up -s <region>` deploys that region of the fleet. */
import { deployFleet } from 'fleetwright/pulumi';
import fleet from './fleet';

export = deployFleet(fleet);
