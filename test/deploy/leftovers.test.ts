import { CLOCK_SKEW_MS, leftBehind, removeLeftovers, trackedKinds, trackedObjects, wantedObjects } from '../../src/deploy/leftovers';
import { Bundle } from '../../src/model/bundle';
import { Cluster } from '../../src/model/cluster';
import { Fleet } from '../../src/model/fleet';
import { KubeObject } from '../../src/model/objects';
import { Source } from '../../src/sources/sources';
import { synthesizeFleet } from '../../src/synth/synth';

const STARTED = '2026-12-02T10:00:00.000Z';
const AFTER = '2026-12-02T10:00:05Z';

/** A live object as a LIST returns it: labelled, with its field managers. */
function live(
  kind: string,
  name: string,
  opts: { created?: string; manager?: string; namespace?: string; apiVersion?: string } = {},
): KubeObject {
  return {
    apiVersion: opts.apiVersion ?? 'v1',
    kind,
    metadata: {
      name,
      ...(kind === 'Namespace' ? {} : { namespace: opts.namespace ?? 'app' }),
      creationTimestamp: opts.created ?? AFTER,
      labels: { 'fleetwright.io/fleet': 'edge', 'fleetwright.io/cluster': 'a' },
      managedFields: [{ manager: opts.manager ?? 'fleetwright', operation: 'Apply' }],
    },
  };
}

function fleet(withExtra: boolean): Fleet {
  const f = new Fleet({ name: 'edge' });
  new Cluster(f, 'a', { region: 'r' });
  new Bundle(f, 'app', {
    defaultNamespace: 'app',
    sources: [
      Source.objects([
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '1' } },
        ...(withExtra ? [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra' }, data: { a: '1' } }] : []),
      ]),
    ],
    targets: [{ name: 'all', clusterSelector: {} }],
  });
  return f;
}

/** A state as `pulumi stack export` gives it, holding these resource names of cluster a. */
const state = (...names: string[]) => ({
  deployment: {
    resources: [
      { urn: 'urn:pulumi:r::edge::pulumi:pulumi:Stack::edge-r', type: 'pulumi:pulumi:Stack' },
      {
        urn: 'urn:pulumi:r::edge::fleetwright:deploy:RegionDeployment$pulumi:providers:kubernetes::a',
        type: 'pulumi:providers:kubernetes',
      },
      ...names.map((n) => ({
        urn: `urn:pulumi:r::edge::fleetwright:deploy:RegionDeployment$fleetwright:deploy:ClusterDeployment$fleetwright:deploy:BundleDeployment$kubernetes:core/v1:ConfigMap::${n}`,
        type: 'kubernetes:core/v1:ConfigMap',
      })),
      {
        urn: 'urn:pulumi:r::edge::fleetwright:deploy:RegionDeployment$fleetwright:deploy:ClusterDeployment$kubernetes:core/v1:Namespace::a/namespaces/app',
        type: 'kubernetes:core/v1:Namespace',
      },
    ],
  },
});

describe('what a run killed before writing its state left behind', () => {
  const wanted = wantedObjects(synthesizeFleet(fleet(false)).clusters);
  const tracked = trackedObjects(state('a/app/ConfigMap/app/settings'));
  const names = (objs: KubeObject[]) => objs.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`);

  test('an object it created that is neither tracked nor wanted is left behind; tracked or wanted ones are not', () => {
    const objects = [live('ConfigMap', 'settings'), live('ConfigMap', 'extra'), live('Namespace', 'app')];
    expect(names(leftBehind('a', objects, { since: STARTED, tracked, wanted }))).toEqual(['ConfigMap app/extra']);
  });

  test('an object the fleet wants again is not left behind: the rerun adopts it', () => {
    const again = wantedObjects(synthesizeFleet(fleet(true)).clusters);
    expect(leftBehind('a', [live('ConfigMap', 'extra')], { since: STARTED, tracked, wanted: again })).toEqual([]);
  });

  test('an object created before the run started (beyond clock skew) or applied by another manager is never taken for one', () => {
    const before = new Date(Date.parse(STARTED) - CLOCK_SKEW_MS - 1000).toISOString();
    const withinSkew = new Date(Date.parse(STARTED) - CLOCK_SKEW_MS + 1000).toISOString();
    const objects = [
      live('ConfigMap', 'old', { created: before }),
      live('ConfigMap', 'theirs', { manager: 'kubectl' }),
      live('ConfigMap', 'skewed', { created: withinSkew }),
    ];
    expect(names(leftBehind('a', objects, { since: STARTED, tracked, wanted }))).toEqual(['ConfigMap app/skewed']);
  });

  test("another cluster's tracked object of the same name does not hide this cluster's", () => {
    const otherCluster = trackedObjects({
      deployment: {
        resources: [
          {
            urn: 'urn:pulumi:r::edge::fleetwright:deploy:RegionDeployment$fleetwright:deploy:ClusterDeployment$fleetwright:deploy:BundleDeployment$kubernetes:core/v1:ConfigMap::b/app/ConfigMap/app/extra',
            type: 'kubernetes:core/v1:ConfigMap',
          },
        ],
      },
    });
    expect(names(leftBehind('a', [live('ConfigMap', 'extra')], { since: STARTED, tracked: otherCluster, wanted }))).toEqual([
      'ConfigMap app/extra',
    ]);
  });

  test('the kinds looked through include those the state holds (core types without their core/ prefix)', () => {
    expect(trackedKinds(state('a/app/ConfigMap/app/settings'))).toEqual([
      { apiVersion: 'v1', kind: 'ConfigMap' },
      { apiVersion: 'v1', kind: 'Namespace' },
    ]);
  });
});

test('a cluster that cannot be read is reported by name, and nothing is deleted there', async () => {
  const [cluster] = synthesizeFleet(fleet(false)).clusters;
  // Nothing listens on port 1 of this machine: the connection is refused at once.
  const kubeconfig = [
    'apiVersion: v1',
    'kind: Config',
    'clusters: [{name: a, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]',
    'users: [{name: a, user: {token: not-a-real-token}}]',
    'contexts: [{name: a, context: {cluster: a, user: a}}]',
    'current-context: a',
  ].join('\n');
  const result = await removeLeftovers([{ cluster, kubeconfig }], {
    fleet: 'edge',
    since: STARTED,
    tracked: new Set(),
    wanted: new Set(),
    kinds: [],
  });
  expect(result.deleted).toEqual([]);
  expect(result.failed).toEqual([expect.stringMatching(/^a: .*ECONNREFUSED/)]);
  expect(result.failed.join('')).not.toContain('not-a-real-token');
});
