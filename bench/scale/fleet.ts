import { Fleet } from '../../src/model/fleet';
import { generateFleet } from '../synth/generate';

/** The one region of the scale benchmark. */
export const SCALE_REGION = 'scale';

/**
 * The scale benchmark's fleet: SCALE_CLUSTERS clusters (default 100) × 5 bundles, all in region
 * `scale`, stacks of at most SCALE_SHARD_SIZE clusters (default: the fleet's default); SCALE_RUN
 * names the run (fresh fleet name and namespaces). Also a `--fleet` module for the CLI.
 */
export function scaleFleet(): Fleet {
  return generateFleet({
    clusters: Number(process.env.SCALE_CLUSTERS ?? '100'),
    bundles: 5,
    regions: [SCALE_REGION],
    runId: process.env.SCALE_RUN,
    ...(process.env.SCALE_SHARD_SIZE ? { shardSize: Number(process.env.SCALE_SHARD_SIZE) } : {}),
  });
}

export default scaleFleet;
