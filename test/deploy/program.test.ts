import * as fs from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { resourceName, typeToken } from '../../src/model/identity';
import { resolveKubeconfigs } from '../../src/deploy/kubeconfig';
import { FleetStackOutputs } from '../../src/deploy/outputs';
import { fleetProgram } from '../../src/deploy/program';
import { Construct } from 'constructs';
import { Bundle } from '../../src/model/bundle';
import { Cluster } from '../../src/model/cluster';
import { Fleet } from '../../src/model/fleet';
import { shardOf } from '../../src/model/shards';
import { Kubeconfig } from '../../src/model/kubeconfig';
import { Source } from '../../src/sources/sources';
import { synthesizeFleet } from '../../src/synth/synth';
import { defineFleet } from '../../examples/edge-fleet/fleet';
import { configBundle, smallFleet, tmpDir } from '../util';

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  provider?: string;
}

let registered: Registered[] = [];

beforeAll(() => {
  void pulumi.runtime.setMocks(
    {
      newResource: (a) => {
        registered.push({ type: a.type, name: a.name, inputs: a.inputs as Record<string, unknown>, provider: a.provider });
        return { id: `${a.name}-id`, state: a.inputs };
      },
      call: (a) => {
        throw new Error(`unmocked invoke ${a.token}`);
      },
    },
    'fleetwright',
    'us-west',
    false,
  );
});

function promiseOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply(resolve));
}

describe('the Pulumi program (mocked engine)', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    registered = [];
    ({ dir, cleanup } = tmpDir());
    for (const c of ['edge-us-west-1', 'edge-us-west-2']) fs.writeFileSync(path.join(dir, `${c}.kubeconfig`), `kubeconfig-of-${c}`);
    // No API server answers in unit tests: states are assumed (a test below turns observing on).
    pulumi.runtime.setAllConfig({ 'fleetwright:kubeconfigDir': dir, 'fleetwright:observe': 'false' });
  });
  afterEach(() => cleanup());

  test('deploys the region through one provider per cluster with clusterIdentifier', async () => {
    const outputs = await promiseOf(fleetProgram({ fleet: defineFleet() }));
    const providers = registered.filter((r) => r.type === 'pulumi:providers:kubernetes');
    expect(providers.map((p) => p.name).sort()).toEqual(['edge-us-west-1', 'edge-us-west-2']);
    expect(providers.map((p) => p.inputs.clusterIdentifier).sort()).toEqual(['edge-us-west-1', 'edge-us-west-2']);
    // ConfigMaps and Secrets change in place, never by delete and create under the same name.
    for (const p of providers) expect([p.inputs.enableConfigMapMutable, p.inputs.enableSecretMutable]).toEqual(['true', 'true']);
    const objects = registered.filter((r) => r.type.startsWith('kubernetes:'));
    for (const o of objects) {
      const cluster = o.name.split('/')[0];
      expect(o.provider).toMatch(new RegExp(`::${cluster}::${cluster}-id$`));
    }
    expect(outputs.clusters['edge-us-west-1'].bundles['prod-policies']).toEqual({ state: 'Ready', objects: 1, target: 'prod' });
    expect(outputs.bundles.hello).toEqual({
      desiredClusters: 2,
      readyClusters: 2,
      display: '2/2',
      clusters: ['edge-us-west-1', 'edge-us-west-2'],
    });
    expect(outputs.rollout).toEqual([
      { partition: 'canary', clusters: ['edge-us-west-2'] },
      { partition: 'prod', clusters: ['edge-us-west-1'] },
    ]);
  });

  test('up reads each cluster after deploying it: a cluster that cannot be read is Unknown with its error, in plain outputs', async () => {
    pulumi.runtime.setAllConfig({ 'fleetwright:kubeconfigDir': dir });
    const outputs = await promiseOf(fleetProgram({ fleet: defineFleet() }));
    const cluster = outputs.clusters['edge-us-west-1'];
    expect(cluster).toMatchObject({ state: 'Unknown', reachable: false });
    expect(cluster.error).toEqual(expect.any(String));
    expect(cluster.error).not.toContain('kubeconfig-of-edge-us-west-1');
    expect(cluster.bundles.hello.state).toBe('Unknown');
    expect(outputs.bundles.hello.display).toBe('0/2');
    expect(outputs.observedAt).toBe(
      [outputs.clusters['edge-us-west-1'].observedAt, outputs.clusters['edge-us-west-2'].observedAt].sort()[1],
    );
  });

  test('every object gets a unique URN across clusters', async () => {
    await promiseOf(fleetProgram({ fleet: defineFleet() }));
    const keys = registered.map((r) => `${r.type}::${r.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.filter((k) => k.startsWith('kubernetes:apps/v1:Deployment::'))).toEqual(
      expect.arrayContaining([
        'kubernetes:apps/v1:Deployment::edge-us-west-1/web/Deployment.apps/web/web',
        'kubernetes:apps/v1:Deployment::edge-us-west-2/web/Deployment.apps/web/web',
      ]),
    );
  });

  test('stack outputs hold no kubeconfig', async () => {
    const outputs: FleetStackOutputs = await promiseOf(fleetProgram({ fleet: defineFleet() }));
    expect(JSON.stringify(outputs)).not.toContain('kubeconfig-of');
    expect(outputs.clusters['edge-us-west-2'].endpoints).toContainEqual({
      bundle: 'web',
      namespace: 'web',
      name: 'web',
      dns: 'web.web.svc.cluster.local',
      ports: [80],
    });
  });

  test('fails listing every cluster without a kubeconfig, before deploying anything', () => {
    fs.rmSync(path.join(dir, 'edge-us-west-1.kubeconfig'));
    expect(() => fleetProgram({ fleet: defineFleet() })).toThrow(
      /1 cluster has no kubeconfig; nothing was deployed:\n {2}- cluster 'edge-us-west-1': kubeconfig file .* does not exist/,
    );
    expect(registered).toEqual([]);
  });

  test('fails with every fleet error before deploying anything', () => {
    const fleet = smallFleet();
    configBundle(fleet, 'app', { targets: [] });
    pulumi.runtime.setAllConfig({ 'fleetwright:kubeconfigDir': dir, 'fleetwright:region': 'us-west', 'fleetwright:observe': 'false' });
    expect(() => fleetProgram({ fleet })).toThrow(/bundle 'app': has no targets/);
    expect(registered).toEqual([]);
  });
  describe('which objects the provider waits on after an apply', () => {
    const objects = [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
        },
      },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'public' }, spec: { type: 'LoadBalancer', ports: [{ port: 443 }] } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web' }, spec: {} },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: {} },
    ];
    const skipped = async (config: Record<string, string>): Promise<string[]> => {
      const fleet = new Fleet({ name: 'edge' });
      new Cluster(fleet, 'edge-us-west-1', { region: 'us-west' });
      new Bundle(fleet, 'web', { sources: [Source.objects(objects)], targets: [{ clusterSelector: {} }] });
      pulumi.runtime.setAllConfig({ 'fleetwright:kubeconfigDir': dir, 'fleetwright:observe': 'false', ...config });
      await promiseOf(fleetProgram({ fleet }));
      return registered
        .filter((r) => r.name.startsWith('edge-us-west-1/web/'))
        .filter((r) => (r.inputs.metadata as { annotations: Record<string, string> }).annotations['pulumi.com/skipAwait'] === 'true')
        .map((r) => r.name.split('/').slice(2).join('/'))
        .sort();
    };

    test('not on a Service or an Ingress, which fleetwright counts Ready once applied; on workloads and load balancers', async () => {
      // The ConfigMap has no await either way; an annotation on it would only be noise on the cluster.
      expect(await skipped({})).toEqual(['Ingress.networking.k8s.io/default/web', 'Service/default/web']);
    });

    test('on nothing at all with fleetwright:skipAwait (API servers without controllers)', async () => {
      expect(await skipped({ 'fleetwright:skipAwait': 'true' })).toHaveLength(objects.length);
    });
  });

  describe('a sharded region (shardSize 1: one shard per cluster)', () => {
    const sharded = (): Fleet => {
      const fleet = new Fleet({ name: 'edge', shardSize: 1 });
      new Cluster(fleet, 'edge-us-west-1', { region: 'us-west' });
      new Cluster(fleet, 'edge-us-west-2', { region: 'us-west' });
      configBundle(fleet, 'app');
      return fleet;
    };
    const shard = (cluster: string): number => shardOf(cluster, 2);
    const config = (extra: Record<string, string>): void =>
      pulumi.runtime.setAllConfig({
        'fleetwright:kubeconfigDir': dir,
        'fleetwright:region': 'us-west',
        'fleetwright:observe': 'false',
        ...extra,
      });

    test('a shard stack deploys only its clusters, and says which shard it is in its outputs', async () => {
      const mine = ['edge-us-west-1', 'edge-us-west-2'].filter((c) => shard(c) === shard('edge-us-west-1'));
      config({ 'fleetwright:shard': String(shard('edge-us-west-1')), 'fleetwright:shards': '2' });
      const outputs = await promiseOf(fleetProgram({ fleet: sharded() }));
      expect(registered.filter((r) => r.type === 'pulumi:providers:kubernetes').map((p) => p.name)).toEqual(mine);
      expect(Object.keys(outputs.clusters)).toEqual(mine);
      expect(outputs.shard).toEqual({ index: shard('edge-us-west-1'), of: 2 });
      expect(outputs.bundles.app.desiredClusters).toBe(mine.length);
    });

    test('the region stack of a sharded region refuses to run, naming the shards and the command that moves its clusters', () => {
      config({});
      expect(() => fleetProgram({ fleet: sharded() })).toThrow(
        "stack us-west must not deploy region us-west: the region's clusters (more than the fleet's shardSize 1) are deployed by 2 shard stacks, us-west.1 … .2. " +
          "To deploy them, run `npx fleetwright up --region us-west` (add --local for the local fleet): it moves each cluster's state to its shard first " +
          '(nothing is deleted on the clusters), then deploys every shard.',
      );
      expect(registered).toEqual([]);
    });

    test('a shard the region no longer has refuses to run', () => {
      config({ 'fleetwright:shard': '3', 'fleetwright:shards': '3' });
      expect(() => fleetProgram({ fleet: sharded() })).toThrow(
        /stack us-west is shard 3 of region us-west, which now has 2 shards; run `npx fleetwright up --region us-west`/,
      );
      expect(registered).toEqual([]);
    });

    test('a shard whose clusters were placed for another number of shards refuses to run (its clusters must move first)', () => {
      config({ 'fleetwright:shard': '1', 'fleetwright:shards': '3' });
      expect(() => fleetProgram({ fleet: sharded() })).toThrow(
        /region us-west now has 2 shards, but its clusters were last placed for 3; some clusters belong to other shards now\. To move them without deleting anything, run `npx fleetwright up --region us-west`/,
      );
      expect(registered).toEqual([]);
    });
  });
});

test('clusters no rollout partition matches are not deployed, and their bundles are Pending', async () => {
  const { dir, cleanup } = tmpDir();
  try {
    const fleet = new Fleet({
      name: 'test',
      rolloutStrategy: { partitions: [{ name: 'prod', clusterSelector: { matchLabels: { env: 'prod' } } }] },
    });
    const scope = new Construct(fleet, 'Clusters');
    new Cluster(scope, 'p', { region: 'us-west', labels: { env: 'prod' } });
    new Cluster(scope, 'd', { region: 'us-west', labels: { env: 'dev' } });
    configBundle(fleet, 'app');
    for (const c of ['p', 'd']) fs.writeFileSync(path.join(dir, `${c}.kubeconfig`), 'x');
    pulumi.runtime.setAllConfig({ 'fleetwright:kubeconfigDir': dir, 'fleetwright:region': 'us-west', 'fleetwright:observe': 'false' });
    registered = [];
    const outputs = await promiseOf(fleetProgram({ fleet }));
    expect(registered.filter((r) => r.type === 'pulumi:providers:kubernetes').map((r) => r.name)).toEqual(['p']);
    expect(outputs.clusters.d).toMatchObject({ partition: '', state: 'Pending', bundles: { app: { state: 'Pending', objects: 1 } } });
    expect(outputs.bundles.app).toMatchObject({ desiredClusters: 2, readyClusters: 1, display: '1/2' });
  } finally {
    cleanup();
  }
});

describe('resolveKubeconfigs', () => {
  test('reports clusters whose stack config, file or environment variable is missing', () => {
    const fleet = smallFleet();
    configBundle(fleet, 'app');
    const clusters = synthesizeFleet(fleet).clusters.map((c, i) => ({
      ...c,
      kubeconfig: [Kubeconfig.fromStackConfig(), Kubeconfig.fromFile('/no/such/file'), Kubeconfig.fromEnv('FLEETWRIGHT_TEST_UNSET')][i],
    }));
    expect(() => resolveKubeconfigs(clusters, { secretNames: [] })).toThrow(
      [
        '3 clusters have no kubeconfig; nothing was deployed:',
        "  - cluster 'a': no kubeconfig in the stack config; set it with `pulumi config set --secret --path 'fleetwright:kubeconfigs.a' \"$(cat kubeconfig)\"` or set fleetwright:kubeconfigDir",
        "  - cluster 'b': kubeconfig file /no/such/file does not exist (from Kubeconfig.fromFile())",
        "  - cluster 'c': environment variable FLEETWRIGHT_TEST_UNSET is not set (Kubeconfig.fromEnv())",
      ].join('\n'),
    );
  });
});

test("typeToken and resourceName follow the provider's tokens and stay stable across API versions", () => {
  expect(typeToken({ apiVersion: 'v1', kind: 'ConfigMap' })).toBe('kubernetes:core/v1:ConfigMap');
  expect(typeToken({ apiVersion: 'apps/v1', kind: 'Deployment' })).toBe('kubernetes:apps/v1:Deployment');
  const obj = (apiVersion: string) => ({ apiVersion, kind: 'Ingress', namespace: 'web', name: 'x' });
  expect(resourceName('c1', 'web', obj('networking.k8s.io/v1'))).toBe('c1/web/Ingress.networking.k8s.io/web/x');
  expect(resourceName('c1', 'web', obj('networking.k8s.io/v1beta1'))).toBe(resourceName('c1', 'web', obj('networking.k8s.io/v1')));
});
