import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Bundle, Source, valueAt } from 'fleetwright';

/**
 * `web`: an nginx Deployment and its Service (cdk8s-plus), on every cluster; 1 replica, 3 on
 * clusters labelled `env: prod`.
 *
 * @param scope the fleet
 */
export function webBundle(scope: Construct): Bundle {
  return new Bundle(scope, 'web', {
    defaultNamespace: 'web',
    // The bundle's default values; region overlays, customizations and clusters override them.
    values: { replicas: 1, image: 'nginx:1.27-alpine' },
    sources: [
      Source.chart((chart, ctx) => {
        const deployment = new kplus.Deployment(chart, 'web', {
          metadata: { name: 'web' },
          replicas: valueAt<number>(ctx.values, 'replicas', 1),
          containers: [
            {
              name: 'web',
              image: valueAt<string>(ctx.values, 'image', 'nginx:1.27-alpine'),
              portNumber: 8080,
              envVariables: { PUBLIC_HOST: kplus.EnvValue.fromValue(`web.${valueAt<string>(ctx.values, 'domain', 'local')}`) },
            },
          ],
        });
        deployment.exposeViaService({ name: 'web', ports: [{ port: 80, targetPort: 8080 }] });
      }),
    ],
    // Where: every cluster. How: prod clusters get 3 replicas.
    targets: [{ name: 'all', clusterSelector: {} }],
    targetCustomizations: [{ name: 'prod', clusterSelector: { matchLabels: { env: 'prod' } }, values: { replicas: 3 } }],
  });
}
