import { ClusterCount, planRollout } from '../../src/model/rollout';
import { ClusterFacts } from '../../src/model/targeting';

const clusters = (n: number, env: (i: number) => string = (i) => (i % 2 ? 'prod' : 'dev')): ClusterFacts[] =>
  Array.from({ length: n }, (_, i) => ({ name: `c${String(i).padStart(3, '0')}`, labels: { env: env(i) }, groups: [] }));

describe('planRollout', () => {
  test('below the threshold there is one partition, All', () => {
    expect(planRollout(clusters(5))).toEqual({
      partitions: [{ name: 'All', waves: [['c000', 'c001', 'c002', 'c003', 'c004']], maxUnavailable: 5 }],
      notRolledOut: [],
    });
  });

  test('above the threshold, automatic partitions of 25% in name order', () => {
    const plan = planRollout(clusters(8), { autoPartitionThreshold: 4 });
    expect(plan.partitions.map((p) => [p.name, p.waves.flat()])).toEqual([
      ['Partition 0 - 1', ['c000', 'c001']],
      ['Partition 2 - 3', ['c002', 'c003']],
      ['Partition 4 - 5', ['c004', 'c005']],
      ['Partition 6 - 7', ['c006', 'c007']],
    ]);
  });

  test('manual partitions take clusters in order; a cluster joins the first that matches; unmatched clusters are not rolled out', () => {
    const plan = planRollout(
      clusters(5, (i) => ['dev', 'prod', 'qa'][i % 3]),
      {
        partitions: [
          { name: 'canary', clusterName: 'c001' },
          { name: 'prod', clusterSelector: { matchLabels: { env: 'prod' } } },
          { name: 'dev', clusterSelector: { matchLabels: { env: 'dev' } } },
        ],
      },
    );
    expect(plan.partitions.map((p) => [p.name, p.waves])).toEqual([
      ['canary', [['c001']]],
      ['prod', [['c004']]],
      ['dev', [['c000', 'c003']]],
    ]);
    expect(plan.notRolledOut).toEqual(['c002']);
  });

  test('maxUnavailable splits a partition into waves', () => {
    expect(planRollout(clusters(5), { maxUnavailable: ClusterCount.of(2) }).partitions[0].waves).toEqual([
      ['c000', 'c001'],
      ['c002', 'c003'],
      ['c004'],
    ]);
    expect(
      planRollout(clusters(4), { partitions: [{ name: 'all', clusterSelector: {}, maxUnavailable: ClusterCount.percent(50) }] })
        .partitions[0].waves,
    ).toHaveLength(2);
  });

  test('ClusterCount resolves percentages down, but to at least one', () => {
    expect(ClusterCount.percent(25).resolve(3)).toBe(1);
    expect(ClusterCount.percent(50).resolve(7)).toBe(3);
    expect(ClusterCount.of(10).resolve(4)).toBe(4);
    expect(ClusterCount.percent(10).toString()).toBe('10%');
  });
});
