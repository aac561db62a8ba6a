import * as path from 'node:path';

/** Where fleetwright keeps local state: the local fleet, the Pulumi file backend, the passphrase. */
export function stateDir(root: string): string {
  return path.resolve(process.env.FLEETWRIGHT_STATE ?? path.join(root, '.fleetwright'));
}

/** The kubeconfig folder of the local fleet. */
export function localKubeconfigDir(root: string): string {
  return path.join(stateDir(root), 'dev', 'kubeconfigs');
}

/** The stack of a region: `<region>`, or `local-<region>` for the local fleet. */
export function stackName(region: string, local: boolean): string {
  return local ? `local-${region}` : region;
}
