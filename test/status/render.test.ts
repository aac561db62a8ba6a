/**
 * renderLiveStatus: the terminal report names every object that is not Ready, its cluster and
 * bundle, the reason and the fields that differ, the unreachable clusters with their error and the
 * orphans; Secret fields show no value.
 */
import { describeField, liveStatusTable, renderLiveStatus } from '../../src/status/render';
import type { LiveBundleStatus, ObjectStatus } from '../../src/status/schema';
import { buildStatus, fleetStatus, fleetStatusRecovered, NOT_READY_MESSAGE, UNREACHABLE_ERROR } from './fixtures';

const ready = (objects: number): LiveBundleStatus => ({ state: 'Ready', desiredObjects: objects, readyObjects: objects, nonReady: [] });

describe('describeField', () => {
  test('desired → live, by the manager', () => {
    expect(describeField({ path: 'spec.replicas', desired: 3, live: 5, manager: 'kubectl' })).toBe('spec.replicas 3 → 5 (by kubectl)');
    expect(describeField({ path: 'spec.template.spec.containers[name=web].image', desired: 'nginx:1.27', live: 'nginx:1.28' })).toBe(
      'spec.template.spec.containers[name=web].image "nginx:1.27" → "nginx:1.28"',
    );
  });

  test('a field that should not exist, or that is gone, shows (unset)', () => {
    expect(describeField({ path: 'metadata.labels.tier', live: 'gold', manager: 'kubectl-label' })).toBe(
      'metadata.labels.tier (unset) → "gold" (by kubectl-label)',
    );
    expect(describeField({ path: 'spec.paused', desired: true })).toBe('spec.paused true → (unset)');
  });

  test('a Secret field shows (value hidden)', () => {
    expect(describeField({ path: 'data.password', manager: 'kubectl-edit' })).toBe('data.password (value hidden) (by kubectl-edit)');
  });

  test('long values are shortened', () => {
    const text = describeField({ path: 'data.config', desired: 'x'.repeat(200), live: 'y' });
    expect(text).toBe(`data.config "${'x'.repeat(56)}... → "y"`);
  });
});

describe('renderLiveStatus', () => {
  test('the fixture: summary, table, roll-ups, every non-ready object with its cluster, reason and fields', () => {
    const text = renderLiveStatus(fleetStatus());
    expect(text.startsWith('fleet edge-fleet: Unknown — 1/5 clusters Ready, 1 unreachable (read 2026-05-14T09:41:07.000Z)\n')).toBe(true);
    expect(text).toContain(liveStatusTable(fleetStatus()));
    expect(text).toContain(
      'regions:\n  eu-central       Unknown     0/2 clusters Ready, 1 unreachable\n  us-west          Modified    1/3 clusters Ready\n',
    );
    expect(text).toContain('cluster groups:\n  edge             Unknown     1/3 clusters Ready, 1 unreachable\n');
    // Every non-ready object, under its cluster and bundle, with the reason.
    expect(text).toContain(`  west-2 / web: NotReady (3/4 objects Ready)\n      NotReady    Deployment web/web: ${NOT_READY_MESSAGE}\n`);
    expect(text).toContain(
      '  west-3 / monitoring: Modified (5/6 objects Ready)\n      Missing     PrometheusRule monitoring/node-alerts: not found on the cluster\n',
    );
    expect(text).toContain('  eu-1 / payments: Modified (3/5 objects Ready)\n');
    expect(text).toContain('      Modified    Deployment payments/payments-api: spec.replicas changed on the cluster by kubectl-scale\n');
    expect(text).toContain('        spec.replicas 3 → 5 (by kubectl-scale)\n');
    expect(text).toContain('      Modified    Secret payments/payments-db: data.password changed on the cluster by kubectl-edit\n');
    expect(text).toContain('        data.password (value hidden) (by kubectl-edit)\n');
    // The unreachable cluster with its error, and no bundle lines for it.
    expect(text).toContain(`  eu-2: unreachable: ${UNREACHABLE_ERROR}\n`);
    expect(text).not.toContain('eu-2 / ');
    // Ready cells are not listed.
    expect(text).not.toContain('west-1 /');
    expect(text).not.toContain('every desired object is on its cluster and Ready');
  });

  test('the table: a row per bundle, a column per cluster, - where a bundle is not desired, ready/desired', () => {
    const table = liveStatusTable(fleetStatus());
    const rows = table.split('\n').filter((l) => /^│ \w/.test(l));
    // Columns in the document's order of clusters (fleetStatus sorts them by name).
    expect(rows[0]).toMatch(/^│ bundle\s+│ west-1\s+│ west-2\s+│ west-3\s+│ eu-1\s+│ eu-2\s+│ ready │$/);
    expect(rows.find((r) => r.startsWith('│ payments'))).toMatch(/│ payments\s+│ Ready\s+│ Ready\s+│ -\s+│ Modified\s+│ -\s+│ 2\/3\s+│$/);
    expect(rows.find((r) => r.startsWith('│ web'))).toMatch(/│ web\s+│ Ready\s+│ NotReady\s+│ Ready\s+│ Ready\s+│ Unknown\s+│ 3\/5\s+│$/);
    expect(rows).toHaveLength(5);
  });

  test('Modified and WaitApplied fields, orphans of removed bundles; Ready bundles are not listed', () => {
    const orphan: ObjectStatus = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'old',
      name: 'old-app',
      state: 'Orphaned',
      message: "labelled as this fleet's, but no bundle wants it on this cluster any more",
    };
    const waiting: LiveBundleStatus = {
      state: 'WaitApplied',
      desiredObjects: 1,
      readyObjects: 0,
      nonReady: [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          namespace: 'web',
          name: 'settings',
          state: 'WaitApplied',
          message: 'the fleet wants data.mode changed; run `up` to apply it',
          fields: [{ path: 'data.mode', desired: 'fast', live: 'slow' }],
        },
      ],
    };
    const scaled: LiveBundleStatus = {
      state: 'Modified',
      desiredObjects: 2,
      readyObjects: 1,
      nonReady: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          namespace: 'payments',
          name: 'payments-api',
          state: 'Modified',
          message: 'changed on the cluster by kubectl: spec.replicas; `up` restores it',
          fields: [{ path: 'spec.replicas', desired: 3, live: 5, manager: 'kubectl' }],
        },
      ],
    };
    const text = renderLiveStatus(
      buildStatus({
        'west-1': { region: 'us-west', groups: [], bundles: { web: waiting, api: ready(2) }, orphaned: [orphan] },
        'west-2': { region: 'us-west', groups: [], bundles: { payments: scaled } },
      }),
    );
    expect(text).toContain(
      '  west-2 / payments: Modified (1/2 objects Ready)\n      Modified    Deployment payments/payments-api: changed on the cluster by kubectl: spec.replicas; `up` restores it\n        spec.replicas 3 → 5 (by kubectl)\n',
    );
    expect(text).toContain('  west-1 / web: WaitApplied (0/1 objects Ready)\n');
    expect(text).toContain(
      '      WaitApplied ConfigMap web/settings: the fleet wants data.mode changed; run `up` to apply it\n        data.mode "fast" → "slow"\n',
    );
    expect(text).toContain(
      "  west-1: objects of bundles no longer on this cluster\n      Orphaned    Deployment old/old-app: labelled as this fleet's, but no bundle wants it on this cluster any more\n",
    );
    expect(text).not.toContain('west-1 / api');
    expect(text).not.toContain('cluster groups:');
  });

  test('everything Ready says so', () => {
    const text = renderLiveStatus(buildStatus({ 'west-1': { region: 'us-west', groups: ['production'], bundles: { web: ready(4) } } }));
    expect(text).toContain('fleet edge-fleet: Ready — 1/1 clusters Ready (read 2026-05-14T09:41:07.000Z)');
    expect(text).toContain('\nevery desired object is on its cluster and Ready\n');
    expect(text).not.toContain('not Ready:');
  });

  test('the recovered fixture no longer lists west-2', () => {
    const text = renderLiveStatus(fleetStatusRecovered());
    expect(text).not.toContain('west-2 / web');
    expect(text).toContain('eu-2: unreachable');
  });
});
