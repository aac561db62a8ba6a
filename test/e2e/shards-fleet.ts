/**
 * The fleet of the sharding tests (shards.test.ts): one region `shards` of `SHARDS_CLUSTERS`
 * clusters (`shards-1`, `shards-2`, …; default 3) with the fleet's `shardSize` from `SHARDS_SIZE`
 * (default 25), rolled out `canary` (`shards-1`) first, then `rest`. One bundle: a ConfigMap and a
 * Deployment per cluster, in namespace `SHARDS_NAMESPACE` (default `app`); SHARDS_GREETING changes
 * the Deployment's pod template.
 */
import { Bundle } from '../../src/model/bundle';
import { Cluster } from '../../src/model/cluster';
import { Fleet } from '../../src/model/fleet';
import { Source } from '../../src/sources/sources';

/** The region. */
export const SHARDS_REGION = 'shards';

/** The fleet with `clusters` clusters and stacks of at most `shardSize` clusters. */
export function defineShardsFleet(clusters: number, shardSize: number): Fleet {
  const fleet = new Fleet({
    name: 'shards',
    shardSize,
    rolloutStrategy: {
      partitions: [
        { name: 'canary', clusterSelector: { matchLabels: { ring: 'canary' } } },
        { name: 'rest', clusterSelector: { matchLabels: { ring: 'rest' } } },
      ],
    },
  });
  for (let i = 1; i <= clusters; i++) {
    new Cluster(fleet, `shards-${i}`, { region: SHARDS_REGION, labels: { ring: i === 1 ? 'canary' : 'rest' } });
  }
  const labels = { app: 'web' };
  new Bundle(fleet, 'app', {
    defaultNamespace: process.env.SHARDS_NAMESPACE ?? 'app',
    sources: [
      Source.objects([
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { greeting: 'hello' } },
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web' },
          spec: {
            replicas: 1,
            selector: { matchLabels: labels },
            template: {
              // SHARDS_GREETING changes the pod template: an update in place (a changed ConfigMap would
              // be replaced, and light-mode API servers have no garbage collector to finish deletes).
              metadata: { labels, annotations: { 'shards.fleetwright.io/greeting': process.env.SHARDS_GREETING ?? 'hello' } },
              spec: { containers: [{ name: 'web', image: 'nginx:1.27-alpine' }] },
            },
          },
        },
      ]),
    ],
    targets: [{ name: 'all', clusterSelector: {} }],
  });
  return fleet;
}

export default (): Fleet => defineShardsFleet(Number(process.env.SHARDS_CLUSTERS ?? 3), Number(process.env.SHARDS_SIZE ?? 25));
