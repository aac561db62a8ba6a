import type { Workspace } from '@pulumi/pulumi/automation';
import { run } from '../../src/exec/run';
import { BundleStatus, ClusterStatus, FleetStackOutputs, mergeRegionOutputs } from '../../src/deploy/outputs';
import { CLUSTER_COMPONENT } from '../../src/model/identity';
import { defaultParallelism, deployedClusters, plannedMoves, regionStacks, releaseClusters } from '../../src/deploy/shards';

const P = 'urn:pulumi:local-r::proj::';
const R = 'fleetwright:deploy:RegionDeployment';
const C = `${R}$${CLUSTER_COMPONENT}`;

/** An exported state: two clusters, `b` (wave 2) depending on `a` (wave 1). */
function exported(): { version: number; deployment: { resources: { urn: string; type: string; dependencies?: string[] }[] } } {
  return {
    version: 3,
    deployment: {
      resources: [
        { urn: `${P}pulumi:pulumi:Stack::proj-local-r`, type: 'pulumi:pulumi:Stack' },
        { urn: `${P}${R}::fleet`, type: R },
        { urn: `${P}${R}$pulumi:providers:kubernetes::a`, type: 'pulumi:providers:kubernetes' },
        { urn: `${P}${C}::a`, type: CLUSTER_COMPONENT },
        { urn: `${P}${C}$kubernetes:core/v1:ConfigMap::a/app/ConfigMap/app/settings`, type: 'kubernetes:core/v1:ConfigMap' },
        { urn: `${P}${R}$pulumi:providers:kubernetes::b`, type: 'pulumi:providers:kubernetes' },
        {
          urn: `${P}${C}::b`,
          type: CLUSTER_COMPONENT,
          dependencies: [`${P}${C}::a`, `${P}${C}$kubernetes:core/v1:ConfigMap::a/app/ConfigMap/app/settings`],
        },
        { urn: `${P}${C}$kubernetes:core/v1:ConfigMap::b/app/ConfigMap/app/settings`, type: 'kubernetes:core/v1:ConfigMap' },
      ],
    },
  };
}

jest.mock('../../src/exec/run');

/**
 * A workspace whose stacks' states are in memory: `pulumi stack export` and `stack import` (run
 * through exec/run) read and write them.
 */
function workspace(states: Record<string, ReturnType<typeof exported>>): Workspace & { imported: string[] } {
  const imported: string[] = [];
  jest.mocked(run).mockImplementation(async (cmd, args, opts) => {
    const [, verb, , stack] = args;
    expect(cmd).toBe('pulumi');
    expect(args).not.toContain('--show-secrets');
    if (verb === 'import') {
      imported.push(stack);
      states[stack] = JSON.parse(String(opts?.input)) as ReturnType<typeof exported>;
    }
    const stdout = verb === 'export' ? JSON.stringify(states[stack]) : '';
    return { code: 0, stdout, stderr: '' };
  });
  return {
    imported,
    workDir: '/project',
    envVars: {},
    listStacks: async () => Object.keys(states).map((name) => ({ name: `organization/proj/${name}` })),
  } as unknown as Workspace & { imported: string[] };
}

test('regionStacks lists the region stack and its shards, not other regions', async () => {
  const ws = workspace({
    'local-r': exported(),
    'local-r.2': exported(),
    'local-r.10': exported(),
    'local-rr.1': exported(),
    'local-s': exported(),
  });
  expect(await regionStacks(ws, 'local-r')).toEqual(['local-r', 'local-r.10', 'local-r.2']);
});

test('deployedClusters finds each cluster component in a state', async () => {
  expect(await deployedClusters(workspace({ 'local-r': exported() }), 'local-r')).toEqual([
    { cluster: 'a', urn: `${P}${C}::a` },
    { cluster: 'b', urn: `${P}${C}::b` },
  ]);
});

test('plannedMoves moves only clusters that are not where they belong, grouped by source and destination', () => {
  const located = new Map([
    [
      'local-r',
      [
        { cluster: 'a', urn: 'ua' },
        { cluster: 'b', urn: 'ub' },
        { cluster: 'c', urn: 'uc' },
      ],
    ],
    ['local-r.1', [{ cluster: 'd', urn: 'ud' }]],
  ]);
  const wanted = new Map([
    ['a', 'local-r.1'],
    ['b', 'local-r.2'],
    ['c', 'local-r.1'],
    ['d', 'local-r.1'],
  ]);
  expect(plannedMoves(located, wanted)).toEqual([
    { from: 'local-r', to: 'local-r.1', clusters: ['a', 'c'], urns: ['ua', 'uc'] },
    { from: 'local-r', to: 'local-r.2', clusters: ['b'], urns: ['ub'] },
  ]);
  expect(plannedMoves(new Map([['local-r.1', [{ cluster: 'd', urn: 'ud' }]]]), wanted)).toEqual([]);
});

test('releaseClusters drops a cluster and everything of it from the state, and the others’ dependencies on it', async () => {
  const states = { 'local-r': exported() };
  const ws = workspace(states);
  expect(await releaseClusters(ws, 'local-r', ['a'])).toBe(3);
  const left = states['local-r'].deployment.resources;
  expect(left.map((r) => r.urn.slice(r.urn.lastIndexOf('::') + 2))).toEqual([
    'proj-local-r',
    'fleet',
    'b',
    'b',
    'b/app/ConfigMap/app/settings',
  ]);
  expect(left.find((r) => r.urn === `${P}${C}::b`)?.dependencies).toEqual([]);
  // Nothing to release: the state is not rewritten.
  expect(await releaseClusters(ws, 'local-r', ['zzz'])).toBe(0);
  expect(ws.imported).toEqual(['local-r']);
});

test('defaultParallelism fits stacks in a third of the memory, at least 1, at most 8 and the number of stacks', () => {
  // 24 GiB: a third is 8192 MiB; a stack of 25 clusters needs 700 + 25 × 113 = 3525 MiB.
  expect(defaultParallelism([25, 25, 25, 25], 24 * 1024)).toBe(2);
  expect(defaultParallelism([2, 2, 2], 24 * 1024)).toBe(3);
  expect(
    defaultParallelism(
      Array.from({ length: 40 }, () => 1),
      256 * 1024,
    ),
  ).toBe(8);
  expect(defaultParallelism([100], 1024)).toBe(1);
});

test('mergeRegionOutputs puts the shards of a region back together; unsharded regions pass through', () => {
  const cluster = (state: ClusterStatus['state'], partition: string): ClusterStatus => ({
    region: 'r',
    partition,
    state,
    bundles: { app: { state, objects: 2, target: 'all' } },
    endpoints: [],
  });
  const bundle = (clusters: string[], ready: number): BundleStatus => ({
    desiredClusters: clusters.length,
    readyClusters: ready,
    display: `${ready}/${clusters.length}`,
    clusters,
  });
  const shard1: FleetStackOutputs = {
    schemaVersion: 2,
    fleet: 'edge',
    region: 'r',
    clusters: { c: cluster('Ready', 'rest'), a: cluster('Ready', 'canary') },
    bundles: { app: bundle(['a', 'c'], 2) },
    observedAt: '2026-12-02T10:00:00.000Z',
    shard: { index: 1, of: 2 },
    rollout: [
      { partition: 'canary', clusters: ['a'] },
      { partition: 'rest', clusters: ['c'] },
    ],
  };
  const shard2: FleetStackOutputs = {
    schemaVersion: 2,
    fleet: 'edge',
    region: 'r',
    clusters: { b: cluster('NotReady', 'rest') },
    bundles: { app: bundle(['b'], 0) },
    observedAt: '2026-12-02T10:00:05.000Z',
    shard: { index: 2, of: 2 },
    rollout: [
      { partition: 'canary', clusters: [] },
      { partition: 'rest', clusters: ['b'] },
    ],
  };
  const other: FleetStackOutputs = { ...shard2, region: 's', shard: undefined };
  const [r, s] = mergeRegionOutputs([shard1, other, shard2]);
  expect(Object.keys(r.clusters)).toEqual(['a', 'b', 'c']);
  expect(r.bundles.app).toEqual({ desiredClusters: 3, readyClusters: 2, display: '2/3', clusters: ['a', 'b', 'c'] });
  expect(r.observedAt).toBe('2026-12-02T10:00:05.000Z');
  expect(r.rollout).toEqual([
    { partition: 'canary', clusters: ['a'] },
    { partition: 'rest', clusters: ['c', 'b'] },
  ]);
  expect(r.shard).toBeUndefined();
  expect(s).toBe(other);
});
