import {
  apiGroup,
  describeObject,
  kindAndName,
  NAMESPACES_BUNDLE,
  ObjectId,
  objectKey,
  parseResourceName,
  PROVIDER_BUNDLE,
  resourceName,
  resourceOwner,
  typeToken,
} from '../../src/model/identity';

// The resource names are part of the URNs in users' Pulumi state: a change here replaces every
// object of every fleet. These strings must never change.
const cases: { id: ObjectId; resource: string; key: string; token: string; short: string }[] = [
  {
    id: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'web', name: 'settings' },
    resource: 'c1/web/ConfigMap/web/settings',
    key: 'ConfigMap web/settings',
    token: 'kubernetes:core/v1:ConfigMap',
    short: 'ConfigMap web/settings',
  },
  {
    id: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'app', name: 'web' },
    resource: 'c1/web/Deployment.apps/app/web',
    key: 'Deployment.apps app/web',
    token: 'kubernetes:apps/v1:Deployment',
    short: 'Deployment app/web',
  },
  {
    id: { apiVersion: 'v1', kind: 'Namespace', namespace: '', name: 'app' },
    resource: 'c1/web/Namespace/app',
    key: 'Namespace app',
    token: 'kubernetes:core/v1:Namespace',
    short: 'Namespace app',
  },
  {
    id: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', namespace: '', name: 'reader' },
    resource: 'c1/web/ClusterRole.rbac.authorization.k8s.io/reader',
    key: 'ClusterRole.rbac.authorization.k8s.io reader',
    token: 'kubernetes:rbac.authorization.k8s.io/v1:ClusterRole',
    short: 'ClusterRole reader',
  },
  {
    id: { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', namespace: 'mon', name: 'alerts' },
    resource: 'c1/web/PrometheusRule.monitoring.coreos.com/mon/alerts',
    key: 'PrometheusRule.monitoring.coreos.com mon/alerts',
    token: 'kubernetes:monitoring.coreos.com/v1:PrometheusRule',
    short: 'PrometheusRule mon/alerts',
  },
];

const manifest = (id: ObjectId) => ({
  apiVersion: id.apiVersion,
  kind: id.kind,
  metadata: { name: id.name, ...(id.namespace ? { namespace: id.namespace } : {}) },
});

describe.each(cases)('$resource', ({ id, resource, key, token, short }) => {
  test('names are pinned', () => {
    expect(resourceName('c1', 'web', id)).toBe(resource);
    expect(objectKey(manifest(id))).toBe(key);
    expect(typeToken(id)).toBe(token);
    expect(kindAndName(id)).toBe(short);
  });

  test('parseResourceName reads the name back', () => {
    expect(parseResourceName(resource)).toEqual({
      cluster: 'c1',
      bundle: 'web',
      kind: id.kind,
      group: apiGroup(id.apiVersion),
      ...(id.namespace ? { namespace: id.namespace } : {}),
      name: id.name,
    });
    expect(resourceOwner(resource)).toEqual({ cluster: 'c1', bundle: 'web' });
  });
});

test('the API version does not change the resource name or key', () => {
  const v1 = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', namespace: 'web', name: 'x' };
  const beta = { ...v1, apiVersion: 'networking.k8s.io/v1beta1' };
  expect(resourceName('c1', 'web', beta)).toBe(resourceName('c1', 'web', v1));
  expect(objectKey(manifest(beta))).toBe(objectKey(manifest(v1)));
  expect(typeToken(beta)).toBe('kubernetes:networking.k8s.io/v1beta1:Ingress');
});

test('apiGroup is empty for the core group', () => {
  expect(apiGroup('v1')).toBe('');
  expect(apiGroup('apps/v1')).toBe('apps');
  expect(apiGroup('networking.k8s.io/v1beta1')).toBe('networking.k8s.io');
});

test('describeObject shows the API version', () => {
  expect(describeObject(cases[1].id)).toBe('apps/v1/Deployment app/web');
  expect(describeObject(cases[3].id)).toBe('rbac.authorization.k8s.io/v1/ClusterRole reader');
});

test("the namespaces fleetwright creates are named '<cluster>/namespaces/<name>'", () => {
  const ns: ObjectId = { apiVersion: 'v1', kind: 'Namespace', namespace: '', name: 'app' };
  expect(resourceName('c1', NAMESPACES_BUNDLE, ns)).toBe('c1/namespaces/app');
  expect(parseResourceName('c1/namespaces/app')).toEqual({
    cluster: 'c1',
    bundle: NAMESPACES_BUNDLE,
    kind: 'Namespace',
    group: '',
    name: 'app',
  });
  expect(resourceOwner('c1/namespaces/app')).toEqual({ cluster: 'c1', bundle: 'namespaces' });
  // A bundle called `namespaces` does not collide: its objects have four or more parts.
  expect(resourceName('c1', 'namespaces', ns)).toBe('c1/namespaces/Namespace/app');
  expect(parseResourceName('c1/namespaces/Namespace/app')?.bundle).toBe('namespaces');
});

test('the provider is named after its cluster; component names are not objects', () => {
  expect(parseResourceName('c1')).toEqual({ cluster: 'c1', bundle: PROVIDER_BUNDLE, kind: 'Provider', group: '', name: 'c1' });
  expect(resourceOwner('c1')).toEqual({ cluster: 'c1' });
  expect(parseResourceName('c1/web')).toBeUndefined();
  expect(parseResourceName('c1/web/x')).toBeUndefined();
  expect(resourceOwner('c1/web')).toEqual({ cluster: 'c1', bundle: 'web' });
});
