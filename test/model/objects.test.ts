import { compareApplyOrder, isClusterScoped, objectId } from '../../src/model/identity';
import { KubeObject, rewriteImage, rewriteImages } from '../../src/model/objects';
import { redact, REDACTED } from '../../src/model/redaction';

describe('rewriteImage', () => {
  test.each([
    ['nginx:1.27', 'mirror.example.com/library/nginx:1.27'],
    ['grafana/grafana:11', 'mirror.example.com/grafana/grafana:11'],
    ['quay.io/prometheus/node-exporter:v1.8.0', 'mirror.example.com/prometheus/node-exporter:v1.8.0'],
    ['localhost/app@sha256:abc', 'mirror.example.com/app@sha256:abc'],
    ['registry:5000/team/app', 'mirror.example.com/team/app'],
  ])('%s becomes %s', (image, expected) => {
    expect(rewriteImage(image, 'mirror.example.com')).toBe(expected);
  });
});

test('rewriteImages rewrites containers, init containers and CronJob templates once', () => {
  const cronJob: KubeObject = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'x' },
    spec: { jobTemplate: { spec: { template: { spec: { initContainers: [{ image: 'busybox' }], containers: [{ image: 'nginx:1' }] } } } } },
  };
  expect(rewriteImages(cronJob, 'm.example')).toBe(2);
  expect(rewriteImages(cronJob, 'm.example')).toBe(0);
  expect(JSON.stringify(cronJob)).toContain('m.example/library/busybox');
});

test('apply order puts Namespaces, then CRDs, then built-in kinds, then custom resources', () => {
  const ids = ['Deployment', 'PrometheusRule', 'CustomResourceDefinition', 'Service', 'Namespace', 'ConfigMap'].map((kind) => ({
    apiVersion: 'v1',
    kind,
    namespace: '',
    name: 'x',
  }));
  expect(ids.sort(compareApplyOrder).map((i) => i.kind)).toEqual([
    'Namespace',
    'CustomResourceDefinition',
    'ConfigMap',
    'Service',
    'Deployment',
    'PrometheusRule',
  ]);
});

test('custom kinds declared cluster-scoped by a CRD are cluster-scoped', () => {
  const obj: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'x' } };
  expect(isClusterScoped(obj, new Set(['example.com/Widget']))).toBe(true);
  expect(isClusterScoped(obj, new Set())).toBe(false);
  expect(objectId(obj, true).namespace).toBe('');
});

test('redact hides Secret values and keeps their keys', () => {
  const secret: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's' },
    data: { password: 'aHVudGVyMg==' },
    stringData: { token: 't0ps3cret' },
  };
  const safe = redact(secret);
  expect(safe).toMatchObject({ data: { password: REDACTED }, stringData: { token: REDACTED } });
  expect(JSON.stringify(safe)).not.toMatch(/aHVudGVyMg|t0ps3cret/);
  expect(secret.data).toEqual({ password: 'aHVudGVyMg==' });
});
