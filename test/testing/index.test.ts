import * as kplus from 'cdk8s-plus-27';
import { Bundle, Cluster, ClusterGroup, Fleet, RegionOverlay, Source, valueAt } from '../../src/index';
import { expectPlacement, expectValue, objectsOf, placement, regionSnapshot, synthesize, valuesOf } from '../../src/testing';

/** Two regions, a prod and a dev cluster each; `web` everywhere (3 replicas in prod), `audit` in prod only. */
function smallFleet(): Fleet {
  const fleet = new Fleet({ name: 'shop' });
  for (const region of ['north', 'south']) {
    new Cluster(fleet, `${region}-prod`, { region, labels: { env: 'prod' } });
    new Cluster(fleet, `${region}-dev`, { region, labels: { env: 'dev' } });
    new ClusterGroup(fleet, `${region}-group`, { selector: { matchLabels: { region } } });
    new RegionOverlay(fleet, region, { imageRegistry: `mirror.${region}.example.com`, values: { domain: `${region}.example.com` } });
  }
  new Bundle(fleet, 'web', {
    defaultNamespace: 'web',
    values: { replicas: 1, image: { tag: '1.27-alpine' } },
    sources: [
      Source.chart((chart, ctx) => {
        new kplus.Deployment(chart, 'app', {
          replicas: valueAt(ctx.values, 'replicas', 1),
          containers: [
            { image: `nginx:${valueAt(ctx.values, 'image.tag', 'latest')}`, portNumber: 8080, securityContext: { ensureNonRoot: false } },
          ],
        });
      }),
    ],
    targets: [{ name: 'all', clusterSelector: {} }],
    targetCustomizations: [{ name: 'prod', clusterSelector: { matchLabels: { env: 'prod' } }, values: { replicas: 3 } }],
  });
  new Bundle(fleet, 'audit', {
    sources: [
      Source.objects([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'audit', namespace: 'default' }, data: { level: 'full' } }]),
    ],
    targets: [{ name: 'prod', clusterSelector: { matchLabels: { env: 'prod' } } }],
  });
  return fleet;
}

test('synthesize gives every cluster, or one region', () => {
  const fleet = smallFleet();
  expect(synthesize(fleet).clusters.map((c) => c.name)).toEqual(['north-dev', 'north-prod', 'south-dev', 'south-prod']);
  expect(synthesize(fleet, { region: 'south' }).clusters.map((c) => c.name)).toEqual(['south-dev', 'south-prod']);
  expect(() => synthesize(fleet, { region: 'west' })).toThrow(
    "region 'west' has no cluster in the fleet; regions with clusters: north, south",
  );
});

test('placement lists the clusters of each bundle, sorted', () => {
  expect(placement(smallFleet())).toEqual({
    audit: ['north-prod', 'south-prod'],
    web: ['north-dev', 'north-prod', 'south-dev', 'south-prod'],
  });
});

test('valuesOf merges the layers; objectsOf returns the rendered manifests', () => {
  const fleet = smallFleet();
  expect(valuesOf(fleet, 'web', 'north-prod')).toEqual({ replicas: 3, image: { tag: '1.27-alpine' }, domain: 'north.example.com' });
  expect(valuesOf(fleet, 'web', 'south-dev')).toEqual({ replicas: 1, image: { tag: '1.27-alpine' }, domain: 'south.example.com' });
  const [deployment] = objectsOf(fleet, 'web', 'north-prod').filter((o) => o.kind === 'Deployment');
  expect(deployment.metadata.namespace).toBe('web');
  expect((deployment as unknown as { spec: { replicas: number } }).spec.replicas).toBe(3);
  expect(JSON.stringify(deployment)).toContain('mirror.north.example.com/library/nginx:1.27-alpine');
  expect(objectsOf(fleet, 'audit', 'south-prod').map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ConfigMap/audit']);
});

test('valuesOf and objectsOf say when the bundle or cluster does not exist or the bundle is not there', () => {
  const fleet = smallFleet();
  expect(() => valuesOf(fleet, 'audit', 'north-dev')).toThrow(/^bundle 'audit' is not deployed on cluster 'north-dev': /);
  expect(() => objectsOf(fleet, 'audit', 'north-dev')).toThrow(/^bundle 'audit' is not deployed on cluster 'north-dev': /);
  expect(() => valuesOf(fleet, 'nope', 'north-dev')).toThrow("bundle 'nope' does not exist");
  expect(() => valuesOf(fleet, 'web', 'nope')).toThrow("cluster 'nope' does not exist");
});

test('regionSnapshot is one deterministic string with a header per file, without index.json', () => {
  const a = regionSnapshot(smallFleet(), 'north');
  expect(regionSnapshot(smallFleet(), 'north')).toBe(a);
  expect(a.split('\n').filter((l) => l.startsWith('# '))).toEqual([
    '# north/north-dev/_namespaces.yaml',
    '# north/north-dev/web.yaml',
    '# north/north-prod/_namespaces.yaml',
    '# north/north-prod/audit.yaml',
    '# north/north-prod/web.yaml',
  ]);
  expect(a).not.toContain('south');
  expect(a).not.toContain('sha256');
  expect(() => regionSnapshot(smallFleet(), 'west')).toThrow("region 'west' has no cluster");
});

test('expectPlacement passes in any order and names expected, actual, missing and why', () => {
  const fleet = smallFleet();
  expectPlacement(fleet, 'audit', ['south-prod', 'north-prod']);
  let message = '';
  try {
    expectPlacement(fleet, 'audit', ['north-prod', 'north-dev']);
  } catch (e) {
    message = (e as Error).message;
  }
  expect(message).toMatch(
    /^bundle 'audit' placement:\n {2}expected: \[north-dev, north-prod\]\n {2}actual: {3}\[north-prod, south-prod\]\n/,
  );
  expect(message).toMatch(/missing \(north-dev\):\n {2}north-dev: .+\nunexpected: south-prod$/);
  expect(() => expectPlacement(fleet, 'audit', ['north-prod', 'south-prod', 'mars'])).toThrow('mars: no such cluster in the fleet');
  expect(() => expectPlacement(fleet, 'nope', [])).toThrow("bundle 'nope' does not exist in the fleet; known bundles: audit, web");
});

test('expectValue compares deeply and names the bundle, cluster, path, both values and the layer', () => {
  const fleet = smallFleet();
  expectValue(fleet, 'web', 'north-prod', 'replicas', 3);
  expectValue(fleet, 'web', 'north-prod', 'image', { tag: '1.27-alpine' });
  expectValue(fleet, 'web', 'north-prod', ['image', 'tag'], '1.27-alpine');
  expect(() => expectValue(fleet, 'web', 'north-dev', 'replicas', 3)).toThrow(
    "bundle 'web' on cluster 'north-dev': value 'replicas'\n  expected: 3\n  actual:   1 (set by bundle 'web')",
  );
  expect(() => expectValue(fleet, 'web', 'north-prod', 'domain', 'x')).toThrow(`actual:   "north.example.com" (set by overlay 'north')`);
  expect(() => expectValue(fleet, 'web', 'north-prod', 'image.digest', 'sha')).toThrow('actual:   undefined (not set by any layer)');
  expect(() => expectValue(fleet, 'audit', 'north-dev', 'x', 1)).toThrow("bundle 'audit' is not deployed on cluster 'north-dev'");
});
