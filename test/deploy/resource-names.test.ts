import type { EngineEvent } from '@pulumi/pulumi/automation';
import { resourceError } from '../../src/deploy/events';
import { describeOperation } from '../../src/deploy/recovery';

const urn = (type: string, name: string) => `urn:pulumi:us-west::fleet::fleetwright:deploy:RegionDeployment$${type}::${name}`;

test('describeOperation names fleet objects, namespaces and other resources', () => {
  const op = (type: string, name: string) => describeOperation({ type: 'creating', urn: urn(type, name) });
  expect(op('kubernetes:apps/v1:Deployment', 'c1/web/Deployment.apps/app/web')).toBe('creating Deployment.apps app/web on c1 (bundle web)');
  expect(op('kubernetes:rbac.authorization.k8s.io/v1:ClusterRole', 'c1/web/ClusterRole.rbac.authorization.k8s.io/r')).toBe(
    'creating ClusterRole.rbac.authorization.k8s.io r on c1 (bundle web)',
  );
  expect(op('kubernetes:core/v1:ConfigMap', 'c1/web/ConfigMap/app/cm')).toBe('creating ConfigMap app/cm on c1 (bundle web)');
  expect(op('kubernetes:core/v1:Namespace', 'c1/namespaces/app')).toBe('creating Namespace app on c1');
  expect(op('pulumi:providers:kubernetes', 'c1')).toBe('creating c1');
  expect(op('fleetwright:deploy:BundleDeployment', 'c1/web')).toBe('creating c1/web');
});

test('resourceError attributes an error to the cluster and bundle of the resource name', () => {
  const event = (name: string) =>
    ({
      diagnosticEvent: { severity: 'error', urn: urn('kubernetes:apps/v1:Deployment', name), message: '\u001b[31mboom\u001b[0m ' },
    }) as unknown as EngineEvent;
  expect(resourceError(event('c1/web/Deployment.apps/app/web'))).toEqual({
    cluster: 'c1',
    bundle: 'web',
    resource: 'c1/web/Deployment.apps/app/web',
    message: 'boom',
  });
  expect(resourceError(event('c1/namespaces/app'))).toEqual({
    cluster: 'c1',
    bundle: 'namespaces',
    resource: 'c1/namespaces/app',
    message: 'boom',
  });
  expect(resourceError(event('c1'))).toEqual({ cluster: 'c1', resource: 'c1', message: 'boom' });
});
