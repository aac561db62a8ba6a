import { Cluster } from '../../src/model/cluster';
import { Fleet, FleetProps } from '../../src/model/fleet';
import { rolloutPlan } from '../../src/model/placement';
import { parseShardStack, planShards, regionShards, restrictPlan, shardCount, shardOf } from '../../src/model/shards';
import { synthesizeFleet } from '../../src/synth/synth';
import { configBundle, problemsOf } from '../util';

const names = (n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => `edge-${String(i + from).padStart(4, '0')}`);

/** cluster → shard index, for a plan. */
const placement = (shards: ReturnType<typeof planShards>): Map<string, number> =>
  new Map(shards.flatMap((s) => s.clusters.map((c) => [c, s.index] as const)));

describe('planShards', () => {
  test('a region within the shard size is one stack (index 0), whatever its size', () => {
    expect(planShards('us-west', ['b', 'a'], 25)).toEqual([{ region: 'us-west', index: 0, of: 1, clusters: ['a', 'b'] }]);
    expect(planShards('us-west', names(25), 25)).toHaveLength(1);
    expect(planShards('us-west', [], 25)).toEqual([{ region: 'us-west', index: 0, of: 1, clusters: [] }]);
  });

  test('above it, ceil(clusters / shardSize) shards numbered from 1, every cluster in exactly one', () => {
    const shards = planShards('us-west', names(101), 25);
    expect(shards.map((s) => [s.index, s.of])).toEqual([
      [1, 5],
      [2, 5],
      [3, 5],
      [4, 5],
      [5, 5],
    ]);
    expect(shards.flatMap((s) => s.clusters).sort()).toEqual(names(101));
    expect(shardCount(101, 25)).toBe(5);
  });

  test('adding clusters never moves another cluster while the number of shards stays', () => {
    const before = placement(planShards('r', names(60), 25)); // 3 shards
    const after = placement(planShards('r', names(75), 25)); // still 3
    for (const [c, s] of before) expect(after.get(c)).toBe(s);
  });

  test('removing a cluster moves no other', () => {
    const all = names(90);
    const before = placement(planShards('r', all, 25)); // 4 shards
    const after = placement(
      planShards(
        'r',
        all.filter((c) => c !== 'edge-0007'),
        25,
      ),
    ); // 4 shards
    for (const [c, s] of after) expect(before.get(c)).toBe(s);
  });

  test('one more shard moves only clusters into the new shard, about one in n + 1', () => {
    const all = names(400);
    const moved = all.filter((c) => shardOf(c, 4) !== shardOf(c, 5));
    expect(moved.every((c) => shardOf(c, 5) === 5)).toBe(true);
    expect(moved.length).toBeGreaterThan(400 / 5 / 2);
    expect(moved.length).toBeLessThan((400 / 5) * 1.5);
  });

  test('shards are balanced within a few clusters at fleet sizes', () => {
    const sizes = planShards('r', names(1000), 25).map((s) => s.clusters.length);
    expect(sizes).toHaveLength(40);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(40);
  });

  test('the placement is deterministic (same input, same shards)', () => {
    expect(planShards('r', names(80), 10)).toEqual(planShards('r', [...names(80)].reverse(), 10));
  });
});

describe('regionShards, the fleet option and stack names', () => {
  test("the fleet's shardSize applies per region (default 25)", () => {
    const fleet = new Fleet({ name: 'edge', shardSize: 2 });
    for (const c of names(5)) new Cluster(fleet, c, { region: 'us-west' });
    new Cluster(fleet, 'solo', { region: 'onprem' });
    expect(regionShards(fleet, 'us-west').map((s) => s.index)).toEqual([1, 2, 3]);
    expect(regionShards(fleet, 'onprem')).toEqual([{ region: 'onprem', index: 0, of: 1, clusters: ['solo'] }]);
    expect(new Fleet({ name: 'edge' }).shardSize).toBe(25);
  });

  test('a shardSize that is not a whole number of 1 or more is an error naming the fleet and the fix', () => {
    const fleet = new Fleet({ name: 'edge', shardSize: '25' } as unknown as FleetProps);
    new Cluster(fleet, 'a', { region: 'us-west' });
    configBundle(fleet, 'b');
    expect(problemsOf(() => synthesizeFleet(fleet)).filter((p) => p.startsWith('error'))).toEqual([
      "error: fleet 'edge': shardSize is '25' (a string), but must be a whole number of clusters per region stack, 1 or more, such as 25; write 25 without quotes",
    ]);
    const zero = new Fleet({ name: 'edge', shardSize: 0 });
    new Cluster(zero, 'a', { region: 'us-west' });
    configBundle(zero, 'b');
    expect(problemsOf(() => synthesizeFleet(zero)).filter((p) => p.startsWith('error'))).toEqual([
      "error: fleet 'edge': shardSize is 0 (a number), but must be a whole number of clusters per region stack, 1 or more, such as 25",
    ]);
  });

  test('parseShardStack splits <stack>.<n>', () => {
    expect(parseShardStack('us-west.3')).toEqual({ base: 'us-west', index: 3 });
    expect(parseShardStack('local-us-west.12')).toEqual({ base: 'local-us-west', index: 12 });
    expect(parseShardStack('us-west')).toEqual({ base: 'us-west', index: 0 });
  });
});

test('restrictPlan keeps every partition in order, with only the shard’s clusters', () => {
  const fleet = new Fleet({
    name: 'edge',
    rolloutStrategy: {
      partitions: [
        { name: 'canary', clusterSelector: { matchLabels: { ring: 'canary' } } },
        { name: 'rest', clusterSelector: {} },
      ],
    },
  });
  new Cluster(fleet, 'a', { region: 'r', labels: { ring: 'canary' } });
  new Cluster(fleet, 'b', { region: 'r' });
  new Cluster(fleet, 'c', { region: 'r' });
  const plan = restrictPlan(rolloutPlan(fleet, 'r'), ['b']);
  expect(plan.partitions.map((p) => [p.name, p.waves])).toEqual([
    ['canary', []],
    ['rest', [['b']]],
  ]);
});
