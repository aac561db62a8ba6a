/**
 * The small fleet of the deploy-fault tests (faults.test.ts): two clusters in region `faults`,
 * rolled out `canary` (env=dev) first, then `prod`. One bundle: a ConfigMap, a Service and a
 * Deployment whose rollout takes a few seconds (`minReadySeconds`), so a run can be interrupted while
 * the provider waits for it. `FAULTS_VARIANT` (default `v1`) changes the ConfigMap and the pod
 * template on every cluster, so each variant is a real update; `<variant>+<name>` adds a ConfigMap
 * `<name>`, and a trailing `@slow` makes the rollout take 2 minutes.
 */
import { Bundle } from '../../src/model/bundle';
import { Cluster } from '../../src/model/cluster';
import { Fleet } from '../../src/model/fleet';
import { KubeObject } from '../../src/model/objects';
import { Source } from '../../src/sources/sources';

/** The fleet's clusters and their rollout partitions. */
export const FAULT_CLUSTERS = { canary: 'faults-canary', prod: 'faults-prod' } as const;

/** Seconds a new pod template must be Ready before the Deployment counts as available. */
export const MIN_READY_SECONDS = 8;

/** The same for a `…@slow` variant: a rollout that is surely still awaited when a test interrupts it. */
export const SLOW_MIN_READY_SECONDS = 120;

function objects(name: string): KubeObject[] {
  const labels = { app: 'web' };
  // `v2+extra@slow`: variant v2, one more ConfigMap, `extra`, and a rollout that takes 2 minutes.
  const [spec, speed] = name.split('@');
  const [variant, extra] = spec.split('+');
  return [
    ...(extra ? [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: extra }, data: { variant } }] : []),
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { variant } },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 1,
        minReadySeconds: speed === 'slow' ? SLOW_MIN_READY_SECONDS : MIN_READY_SECONDS,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels, annotations: { 'faults.fleetwright.io/variant': variant } },
          spec: { containers: [{ name: 'web', image: 'nginx:1.27-alpine', ports: [{ containerPort: 8080 }] }] },
        },
      },
    },
  ];
}

/** The fault tests' fleet at a variant. */
export function defineFaultsFleet(variant = 'v1'): Fleet {
  const fleet = new Fleet({
    name: 'faults',
    rolloutStrategy: {
      partitions: [
        { name: 'canary', clusterSelector: { matchLabels: { env: 'dev' } } },
        { name: 'prod', clusterSelector: { matchLabels: { env: 'prod' } } },
      ],
    },
  });
  new Cluster(fleet, FAULT_CLUSTERS.canary, { region: 'faults', labels: { env: 'dev' } });
  new Cluster(fleet, FAULT_CLUSTERS.prod, { region: 'faults', labels: { env: 'prod' } });
  new Bundle(fleet, 'app', {
    defaultNamespace: 'app',
    sources: [Source.objects(objects(variant))],
    targets: [{ name: 'all', clusterSelector: {} }],
  });
  return fleet;
}

export default (): Fleet => defineFaultsFleet(process.env.FAULTS_VARIANT ?? 'v1');
