import { synthFiles } from '../../src/synth/output';
import { synthesizeFleet } from '../../src/synth/synth';
import { rolloutPlan } from '../../src/model/placement';
import { defineFleet, SAMPLE_CLUSTERS } from '../../examples/edge-fleet/fleet';

const clustersWith = (bundle: string) =>
  synthesizeFleet(defineFleet())
    .clusters.filter((c) => c.bundles.some((b) => b.name === bundle))
    .map((c) => c.name);

describe('the sample fleet', () => {
  test('has six clusters in three regions and three groups of two', () => {
    const fleet = defineFleet();
    expect(fleet.clusters.map((c) => c.clusterName)).toHaveLength(6);
    expect(fleet.regions).toEqual(['onprem', 'us-east', 'us-west']);
    const synth = synthesizeFleet(fleet);
    for (const group of ['edge-us-west', 'edge-us-east', 'edge-onprem-arm64']) {
      expect(synth.clusters.filter((c) => c.groups.includes(group))).toHaveLength(2);
    }
    expect(synth.warnings).toEqual([]);
  });

  test('the clusterGroupSelector bundle reaches all 6 clusters with a per-region name', () => {
    expect(clustersWith('hello')).toHaveLength(6);
    const west = synthesizeFleet(defineFleet()).clusters.find((c) => c.name === 'edge-us-west-1');
    expect(west?.bundles.find((b) => b.name === 'hello')?.objects.map((o) => o.id.name)).toEqual(['us-west-hello', 'us-west-hello']);
  });

  test('the clusterSelector bundle reaches exactly the 3 prod clusters', () => {
    expect(clustersWith('prod-policies')).toEqual(['edge-onprem-1', 'edge-us-east-1', 'edge-us-west-1']);
  });

  test('add-ons run everywhere: monitoring namespace, CRD and alert rules, in apply order', () => {
    expect(clustersWith('addons')).toHaveLength(6);
    const addons = synthesizeFleet(defineFleet()).clusters[0].bundles.find((b) => b.name === 'addons');
    expect(addons?.objects.map((o) => o.id.kind)).toEqual(['Namespace', 'CustomResourceDefinition', 'PrometheusRule']);
  });

  test('the web app has per-environment replicas', () => {
    const replicas = Object.fromEntries(
      synthesizeFleet(defineFleet()).clusters.map((c) => [
        c.name,
        (c.bundles.find((b) => b.name === 'web')?.objects.find((o) => o.id.kind === 'Deployment')?.manifest.spec as { replicas: number })
          .replicas,
      ]),
    );
    expect(replicas).toEqual({
      'edge-onprem-1': 3,
      'edge-onprem-2': 1,
      'edge-us-east-1': 3,
      'edge-us-east-2': 2,
      'edge-us-west-1': 3,
      'edge-us-west-2': 1,
    });
  });

  test('the Helm bundle renders once per distinct values, with per-target values', () => {
    const synth = synthesizeFleet(defineFleet());
    // Every cluster's values differ (tier per env, domain per region overlay): 6 runs, one per
    // cluster; a second synthesis renders afresh (caches belong to one run).
    expect(synth.stats.helmTemplate).toBe(6);
    expect(synthesizeFleet(defineFleet(), { region: 'us-west' }).stats.helmTemplate).toBe(2);
    const tiers = Object.fromEntries(
      synth.clusters.map((c) => [
        c.name,
        (c.bundles.find((b) => b.name === 'status-page')?.objects.find((o) => o.id.kind === 'ConfigMap')?.manifest.data as { tier: string })
          .tier,
      ]),
    );
    expect(tiers).toEqual({
      'edge-onprem-1': 'gold',
      'edge-onprem-2': 'bronze',
      'edge-us-east-1': 'gold',
      'edge-us-east-2': 'silver',
      'edge-us-west-1': 'gold',
      'edge-us-west-2': 'bronze',
    });
  });

  test('the Kustomize bundle takes the overlay of the cluster env', () => {
    const synth = synthesizeFleet(defineFleet());
    const deployment = (cluster: string) =>
      synth.clusters
        .find((c) => c.name === cluster)
        ?.bundles.find((b) => b.name === 'guestbook')
        ?.objects.find((o) => o.id.kind === 'Deployment')?.manifest as unknown as {
        metadata: { labels: Record<string, string> };
        spec: { replicas: number };
      };
    expect(deployment('edge-us-west-1')).toMatchObject({ metadata: { labels: { env: 'prod' } }, spec: { replicas: 3 } });
    expect(deployment('edge-us-east-2')).toMatchObject({ metadata: { labels: { env: 'test' } }, spec: { replicas: 2 } });
    expect(deployment('edge-onprem-2')).toMatchObject({ metadata: { labels: { env: 'dev' } }, spec: { replicas: 1 } });
  });

  test("images come from the region's registry mirror", () => {
    const files = synthFiles(synthesizeFleet(defineFleet()));
    expect(files.get('onprem/edge-onprem-1/web.yaml')).toContain('image: mirror.onprem.edge.example.com/library/nginx:1.27-alpine');
    expect(files.get('us-east/edge-us-east-2/hello.yaml')).toContain('image: mirror.us-east.edge.example.com/nginxdemos/hello:0.4');
  });

  test('namespaces used by bundles are created once per cluster', () => {
    const west1 = synthesizeFleet(defineFleet()).clusters.find((c) => c.name === 'edge-us-west-1');
    expect(west1?.namespaces.map((n) => n.id.name)).toEqual(['guestbook', 'hello', 'status', 'web']);
  });

  test.each(['onprem', 'us-east', 'us-west'])('region %s synthesizes the expected manifests', (region) => {
    const files = synthFiles(synthesizeFleet(defineFleet(), { region }));
    expect(Object.fromEntries(files)).toMatchSnapshot();
  });

  test('synthesis is byte-identical across runs and independent of declaration order', () => {
    const once = synthFiles(synthesizeFleet(defineFleet()));
    const twice = synthFiles(synthesizeFleet(defineFleet()));
    const shuffled = synthFiles(synthesizeFleet(defineFleet({ clusters: [...SAMPLE_CLUSTERS].reverse() })));
    expect([...twice]).toEqual([...once]);
    expect([...shuffled]).toEqual([...once]);
  });
});

test('the edge fleet rolls each region out to its canary before prod', () => {
  expect(rolloutPlan(defineFleet(), 'onprem')).toEqual({
    partitions: [
      { name: 'canary', waves: [['edge-onprem-2']], maxUnavailable: 1 },
      { name: 'prod', waves: [['edge-onprem-1']], maxUnavailable: 1 },
    ],
    notRolledOut: [],
  });
});
