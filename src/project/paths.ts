import * as fs from 'node:fs';
import * as path from 'node:path';
import { shardSuffix } from '../model/shards';
import { findProject } from './discovery';

/**
 * The project root: the nearest folder at or above `from` with a Pulumi.yaml, else the fleet
 * project's folder, else `from` itself. Never fleetwright's own install folder.
 */
export function projectRoot(from = process.cwd()): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'Pulumi.yaml'))) return dir;
    if (path.dirname(dir) === dir) break;
  }
  return findProject(from)?.root ?? path.resolve(from);
}

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

/** The stack of a region's shard: the region's stack, then `.<n>` for shard n ≥ 1 (0: unsharded). */
export function shardStackName(region: string, shard: number, local: boolean): string {
  return `${stackName(region, local)}${shardSuffix(shard)}`;
}
