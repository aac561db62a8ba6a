/**
 * assess: from a synthesized cluster and the objects read from it to Fleet's states per object,
 * bundle and cluster (Missing, Modified, NotReady with the Pods' reason, WaitApplied, orphans), the
 * order of `bundleState`, and the roll-ups of `fleetStatus` (regions, groups, bundles, no cap).
 */
import { Bundle } from '../../src/model/bundle';
import { ClusterGroup } from '../../src/model/cluster-group';
import type { Fleet } from '../../src/model/fleet';
import type { KubeObject } from '../../src/model/objects';
import { STATES_WORST_FIRST } from '../../src/model/states';
import { Source } from '../../src/sources/sources';
import { allReady, bundleState, clusterStatus, fleetStatus, notReadyWorkloads } from '../../src/status/assess';
import { objectKey } from '../../src/model/identity';
import type { ObjectStatus } from '../../src/status/schema';
import { BUNDLE_LABEL, CLUSTER_LABEL, FLEET_LABEL, synthesizeFleet, type SynthesizedCluster } from '../../src/synth/synth';
import { smallFleet } from '../util';

const MANAGER = 'fleetwright';
const OBSERVED_AT = '2026-05-14T09:41:07.000Z';
const UNREACHABLE = 'Get "https://10.20.0.12:6443/api/v1": dial tcp 10.20.0.12:6443: connect: connection refused';
const SECRET_TEXT = 'payments-db-password-0123';

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function deployment(name: string, namespace: string, replicas: number, image = `registry.example.com/${name}:1.0`): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name, image, ports: [{ containerPort: 8080 }] }] },
      },
    },
  };
}

const configMap = (name: string, namespace: string, data: Record<string, string> = { key: 'value' }): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data,
});

/**
 * smallFleet's clusters a (us-west, prod), b (us-west, dev), c (us-east, prod), groups production
 * and development, and four bundles (payments only on prod clusters).
 */
function statusFleet(): Fleet {
  const fleet = smallFleet();
  new ClusterGroup(fleet, 'production', { selector: { matchLabels: { env: 'prod' } } });
  new ClusterGroup(fleet, 'development', { selector: { matchLabels: { env: 'dev' } } });
  const everywhere = [{ clusterSelector: {} }];
  new Bundle(fleet, 'web', {
    sources: [
      Source.objects([
        deployment('web', 'web', 2),
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'web', namespace: 'web' },
          spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
        },
      ]),
    ],
    targets: everywhere,
  });
  new Bundle(fleet, 'payments', {
    sources: [
      Source.objects([
        deployment('payments-api', 'payments', 3),
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'payments-db', namespace: 'payments' },
          type: 'Opaque',
          stringData: { password: SECRET_TEXT },
        },
      ]),
    ],
    targets: [{ clusterGroup: 'production' }],
  });
  new Bundle(fleet, 'monitoring', {
    sources: [Source.objects([configMap('alerts', 'monitoring'), configMap('rules', 'monitoring')])],
    targets: everywhere,
  });
  new Bundle(fleet, 'ingress', { sources: [Source.objects([configMap('ingress-config', 'ingress')])], targets: everywhere });
  return fleet;
}

/** The `fieldsV1` an apply of `value` records (keyed lists by name or port, as the API server keys them). */
function fieldsOf(value: unknown): Record<string, unknown> {
  if (Array.isArray(value)) {
    const out: Record<string, unknown> = {};
    for (const e of value) {
      if (!isMap(e)) continue;
      let key: Record<string, unknown> | undefined;
      if (typeof e.name === 'string' && e.port === undefined) key = { name: e.name };
      else if (e.containerPort !== undefined) key = { containerPort: e.containerPort, protocol: e.protocol ?? 'TCP' };
      else if (e.port !== undefined) key = { port: e.port, protocol: e.protocol ?? 'TCP' };
      if (key) out[`k:${JSON.stringify(key)}`] = { '.': {}, ...fieldsOf(e) };
    }
    return out;
  }
  if (!isMap(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [`f:${k}`, isMap(v) || Array.isArray(v) ? fieldsOf(v) : {}]));
}

/** A ready status for a kind, as its controller writes it. */
function readyStatus(obj: KubeObject): unknown {
  const replicas = (obj.spec as { replicas?: number } | undefined)?.replicas ?? 1;
  switch (obj.kind) {
    case 'Deployment':
      return { observedGeneration: 1, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas };
    case 'Service':
      return { loadBalancer: {} };
    default:
      return undefined;
  }
}

/** The API server's default: every container and Service port gets `protocol: TCP`. */
function defaultProtocols(value: unknown): void {
  if (Array.isArray(value)) value.forEach(defaultProtocols);
  if (!isMap(value)) return;
  for (const [k, v] of Object.entries(value)) {
    if (k === 'ports' && Array.isArray(v)) for (const p of v) if (isMap(p)) p.protocol ??= 'TCP';
    defaultProtocols(v);
  }
}

/** The object as the API server returns it after fleetwright applied `manifest`. */
function applied(manifest: KubeObject): KubeObject {
  const live = copy(manifest);
  defaultProtocols(live);
  const stringData = live.stringData as Record<string, string> | undefined;
  if (stringData) {
    live.data = Object.fromEntries(Object.entries(stringData).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
    delete live.stringData;
  }
  // What the apply sets: labels and annotations, and everything but the identity.
  const without = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
  const body = without(manifest, ['apiVersion', 'kind', 'metadata']);
  const meta = without(manifest.metadata, ['name', 'namespace']);
  live.metadata = {
    ...live.metadata,
    uid: `uid-${manifest.metadata.name}`,
    resourceVersion: '1000',
    generation: 1,
    creationTimestamp: '2026-05-14T08:00:00Z',
    managedFields: [
      {
        manager: MANAGER,
        operation: 'Apply',
        apiVersion: manifest.apiVersion,
        time: '2026-05-14T08:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:metadata': fieldsOf(meta), ...fieldsOf(body) },
      },
    ],
  };
  const status = readyStatus(manifest);
  if (status !== undefined) live.status = status;
  if (manifest.kind === 'Service') (live.spec as Record<string, unknown>).clusterIP = '10.96.0.20';
  return live;
}

/** Every desired object of a cluster, applied and ready. */
const allApplied = (cluster: SynthesizedCluster): KubeObject[] => cluster.bundles.flatMap((b) => b.objects.map((o) => applied(o.manifest)));

function find(objects: KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}

function unschedulablePod(name: string, app: string, namespace: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: { app, 'pod-template-hash': '7d4b9c' },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-7d4b9c`, uid: 'rs-uid', controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: { containers: [{ name: app, image: 'x' }] },
    status: {
      phase: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: '0/1 nodes are available: 1 node(s) were unschedulable',
        },
      ],
    },
  };
}

/** A label set as fleetwright puts on every object of cluster a. */
const labels = (bundle: string): Record<string, string> => ({ [FLEET_LABEL]: 'test', [CLUSTER_LABEL]: 'a', [BUNDLE_LABEL]: bundle });

/**
 * Cluster a with: web NotReady (unschedulable pods), payments Modified (scaled by kubectl, Secret
 * edited), monitoring with a Missing ConfigMap, an orphan of ingress (still desired), an orphan of a
 * removed bundle, and controlled objects carrying fleetwright's labels.
 */
function messyCluster(cluster: SynthesizedCluster): { objects: KubeObject[]; pods: Record<string, KubeObject[]> } {
  const objects = allApplied(cluster);
  // web: 0/2 available, its pods unschedulable.
  const web = find(objects, 'Deployment', 'web');
  web.status = { observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 0, availableReplicas: 0, unavailableReplicas: 2 };
  // payments: `kubectl scale --replicas=5`, `kubectl edit secret` of the password.
  const api = find(objects, 'Deployment', 'payments-api');
  (api.spec as { replicas: number }).replicas = 5;
  api.status = { observedGeneration: 1, replicas: 5, updatedReplicas: 5, readyReplicas: 5, availableReplicas: 5 };
  const ours = (api.metadata.managedFields as { fieldsV1: { 'f:spec': Record<string, unknown> } }[])[0].fieldsV1['f:spec'];
  delete ours['f:replicas'];
  (api.metadata.managedFields as unknown[]).push({
    manager: 'kubectl',
    operation: 'Update',
    subresource: 'scale',
    apiVersion: 'apps/v1',
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:spec': { 'f:replicas': {} } },
  });
  const secret = find(objects, 'Secret', 'payments-db');
  secret.data = { password: Buffer.from('typed-by-hand').toString('base64') };
  (secret.metadata.managedFields as unknown[]).push({
    manager: 'kubectl-edit',
    operation: 'Update',
    apiVersion: 'v1',
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:data': { 'f:password': {} } },
  });
  // monitoring: alerts deleted by hand.
  objects.splice(objects.indexOf(find(objects, 'ConfigMap', 'alerts')), 1);
  // An orphan of a bundle still desired (ingress), one of a bundle removed from the fleet.
  objects.push(
    applied({
      ...configMap('ingress-legacy', 'ingress'),
      metadata: { name: 'ingress-legacy', namespace: 'ingress', labels: labels('ingress') },
    }),
  );
  objects.push(applied({ ...deployment('old-app', 'old', 1), metadata: { name: 'old-app', namespace: 'old', labels: labels('old-app') } }));
  // Controlled objects with fleetwright's labels (made by the Deployments' controllers): never orphans.
  for (const [name, bundle] of [
    ['web-7d4b9c', 'web'],
    ['old-app-5f6d', 'old-app'],
  ]) {
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name,
        namespace: bundle === 'web' ? 'web' : 'old',
        labels: labels(bundle),
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'Deployment', name: bundle, uid: `uid-${bundle}`, controller: true, blockOwnerDeletion: true },
        ],
      },
      spec: { replicas: 2 },
      status: { replicas: 2 },
    });
  }
  const pods = {
    [objectKey(web)]: [unschedulablePod('web-7d4b9c-x2x', 'web', 'web'), unschedulablePod('web-7d4b9c-k8q', 'web', 'web')],
  };
  return { objects, pods };
}

function clusters(): Record<string, SynthesizedCluster> {
  return Object.fromEntries(synthesizeFleet(statusFleet()).clusters.map((c) => [c.name, c]));
}

const observation = (objects: KubeObject[], pods?: Record<string, KubeObject[]>) => ({
  observedAt: OBSERVED_AT,
  durationMs: 120,
  objects,
  pods,
});

describe('clusterStatus', () => {
  test('a cluster running everything as desired is Ready', () => {
    const { a } = clusters();
    const status = clusterStatus(a, observation(allApplied(a)), { partition: 'canary', manager: MANAGER });
    expect(status).toEqual({
      region: 'us-west',
      groups: ['production'],
      partition: 'canary',
      reachable: true,
      state: 'Ready',
      observedAt: OBSERVED_AT,
      durationMs: 120,
      bundles: {
        ingress: { state: 'Ready', desiredObjects: 1, readyObjects: 1, nonReady: [] },
        monitoring: { state: 'Ready', desiredObjects: 2, readyObjects: 2, nonReady: [] },
        payments: { state: 'Ready', desiredObjects: 2, readyObjects: 2, nonReady: [] },
        web: { state: 'Ready', desiredObjects: 2, readyObjects: 2, nonReady: [] },
      },
      orphaned: [],
    });
    expect(Object.keys(status.bundles)).toEqual(['ingress', 'monitoring', 'payments', 'web']);
  });

  test('Missing, Modified, NotReady with the Pods reason, orphans of a desired and of a removed bundle', () => {
    const { a } = clusters();
    const { objects, pods } = messyCluster(a);
    expect(notReadyWorkloads(a, objects).map((o) => `${o.kind} ${o.metadata.name}`)).toEqual(['Deployment web']);
    const status = clusterStatus(a, observation(objects, pods), { partition: 'canary', manager: MANAGER });
    expect(status.reachable).toBe(true);
    expect(status.error).toBeUndefined();
    expect(status.bundles.web).toEqual({
      state: 'NotReady',
      desiredObjects: 2,
      readyObjects: 1,
      nonReady: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          namespace: 'web',
          name: 'web',
          state: 'NotReady',
          message:
            '0/2 replicas available; pods web-7d4b9c-k8q, web-7d4b9c-x2x: Unschedulable: 0/1 nodes are available: 1 node(s) were unschedulable',
        },
      ],
    });
    expect(status.bundles.payments).toEqual({
      state: 'Modified',
      desiredObjects: 2,
      readyObjects: 0,
      // In apply order: the Secret before the Deployment.
      nonReady: [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          namespace: 'payments',
          name: 'payments-db',
          state: 'Modified',
          message: 'changed on the cluster by kubectl-edit: data.password; `up --refresh` restores it',
          fields: [{ path: 'data.password', manager: 'kubectl-edit' }],
        },
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          namespace: 'payments',
          name: 'payments-api',
          state: 'Modified',
          message: 'changed on the cluster by kubectl: spec.replicas; `up --refresh` restores it',
          fields: [{ path: 'spec.replicas', desired: 3, live: 5, manager: 'kubectl' }],
        },
      ],
    });
    expect(status.bundles.monitoring).toEqual({
      state: 'Modified',
      desiredObjects: 2,
      readyObjects: 1,
      nonReady: [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          namespace: 'monitoring',
          name: 'alerts',
          state: 'Missing',
          message: 'desired, but not on the cluster; `up --refresh` creates it again',
        },
      ],
    });
    // The orphan labelled with a bundle still desired here goes into that bundle.
    expect(status.bundles.ingress).toEqual({
      state: 'Modified',
      desiredObjects: 1,
      readyObjects: 1,
      nonReady: [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          namespace: 'ingress',
          name: 'ingress-legacy',
          state: 'Orphaned',
          message: "labelled as this fleet's, but no bundle wants it on this cluster any more; delete it, or add it back to a bundle",
        },
      ],
    });
    // The one of a removed bundle belongs to the cluster; the ReplicaSets (controlled) are never orphans.
    expect(status.orphaned.map((o) => `${o.state} ${o.kind} ${o.namespace}/${o.name}`)).toEqual(['Orphaned Deployment old/old-app']);
    expect(JSON.stringify(status)).not.toContain('ReplicaSet');
    expect(status.state).toBe('Modified');
    expect(JSON.stringify(status)).not.toContain(SECRET_TEXT);
    expect(JSON.stringify(status)).not.toContain(Buffer.from(SECRET_TEXT).toString('base64'));
  });

  test('an orphan of a removed bundle alone makes a Ready cluster Modified', () => {
    const { b } = clusters();
    const objects = allApplied(b);
    objects.push(
      applied({
        ...configMap('old', 'old'),
        metadata: { name: 'old', namespace: 'old', labels: { ...labels('gone'), [CLUSTER_LABEL]: 'b' } },
      }),
    );
    const status = clusterStatus(b, observation(objects), { partition: 'all', manager: MANAGER });
    expect(Object.values(status.bundles).map((x) => x.state)).toEqual(['Ready', 'Ready', 'Ready']);
    expect(status.orphaned).toHaveLength(1);
    expect(status.state).toBe('Modified');
  });

  test('a value the fleet changed and fleetwright has not applied is WaitApplied', () => {
    const { a } = clusters();
    const objects = allApplied(a);
    const fleet = statusFleet();
    // The fleet now wants another image; the cluster still runs the one fleetwright applied.
    const desired = synthesizeFleet(fleet).clusters.find((c) => c.name === 'a') as SynthesizedCluster;
    const web = desired.bundles.find((x) => x.name === 'web')?.objects.find((o) => o.id.kind === 'Deployment')?.manifest as KubeObject;
    (web.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0].image =
      'registry.example.com/web:2.0';
    const status = clusterStatus(desired, observation(objects), { partition: 'canary', manager: MANAGER });
    expect(status.bundles.web.state).toBe('WaitApplied');
    expect(status.bundles.web.nonReady).toEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: 'web',
        name: 'web',
        state: 'WaitApplied',
        message: 'the fleet wants spec.template.spec.containers[name=web].image changed; run `up` to apply it',
        fields: [
          {
            path: 'spec.template.spec.containers[name=web].image',
            desired: 'registry.example.com/web:2.0',
            live: 'registry.example.com/web:1.0',
          },
        ],
      },
    ]);
    expect(status.state).toBe('WaitApplied');
  });

  test('outside every rollout partition with nothing applied, bundles are Pending; once anything is applied they are not', () => {
    const { a } = clusters();
    const pending = clusterStatus(a, observation([]), { partition: '', manager: MANAGER });
    expect(Object.values(pending.bundles).map((b) => b.state)).toEqual(['Pending', 'Pending', 'Pending', 'Pending']);
    expect(pending.state).toBe('Pending');
    const rolledOut = clusterStatus(a, observation([]), { partition: 'canary', manager: MANAGER });
    expect(Object.values(rolledOut.bundles).map((b) => b.state)).toEqual(['Modified', 'Modified', 'Modified', 'Modified']);
    const partly = clusterStatus(a, observation([applied(find(allApplied(a), 'ConfigMap', 'rules'))]), { partition: '', manager: MANAGER });
    expect(partly.bundles.monitoring.state).toBe('Modified');
    expect(partly.bundles.web.state).toBe('Pending');
  });

  test('an unreachable cluster: reachable false, its error, every bundle Unknown, nothing else', () => {
    const { c } = clusters();
    const status = clusterStatus(
      c,
      { observedAt: OBSERVED_AT, durationMs: 10000, error: UNREACHABLE, objects: [] },
      { partition: 'canary', manager: MANAGER },
    );
    expect(status).toEqual({
      region: 'us-east',
      groups: ['production'],
      partition: 'canary',
      reachable: false,
      error: UNREACHABLE,
      state: 'Unknown',
      observedAt: OBSERVED_AT,
      durationMs: 10000,
      bundles: {
        ingress: { state: 'Unknown', desiredObjects: 1, readyObjects: 0, nonReady: [] },
        monitoring: { state: 'Unknown', desiredObjects: 2, readyObjects: 0, nonReady: [] },
        payments: { state: 'Unknown', desiredObjects: 2, readyObjects: 0, nonReady: [] },
        web: { state: 'Unknown', desiredObjects: 2, readyObjects: 0, nonReady: [] },
      },
      orphaned: [],
    });
  });
});

describe('bundleState', () => {
  const problem = (state: ObjectStatus['state']): ObjectStatus => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace: 'x',
    name: state,
    state,
    message: '',
  });
  const deployed = { rolledOut: true, anyApplied: true };

  test("GetDeploymentState's order: WaitApplied, then NotReady, then Modified (Missing, Modified, Orphaned), else Ready", () => {
    expect(bundleState([], deployed)).toBe('Ready');
    expect(bundleState([problem('Missing')], deployed)).toBe('Modified');
    expect(bundleState([problem('Orphaned')], deployed)).toBe('Modified');
    expect(bundleState([problem('Modified')], deployed)).toBe('Modified');
    expect(bundleState([problem('Modified'), problem('NotReady'), problem('Missing')], deployed)).toBe('NotReady');
    expect(bundleState([problem('NotReady'), problem('WaitApplied'), problem('Modified')], deployed)).toBe('WaitApplied');
  });

  test('Pending only when not rolled out and nothing applied', () => {
    expect(bundleState([problem('Missing')], { rolledOut: false, anyApplied: false })).toBe('Pending');
    expect(bundleState([problem('Missing')], { rolledOut: true, anyApplied: false })).toBe('Modified');
    expect(bundleState([problem('NotReady')], { rolledOut: false, anyApplied: true })).toBe('NotReady');
    expect(bundleState([], { rolledOut: false, anyApplied: true })).toBe('Ready');
  });
});

describe('fleetStatus', () => {
  function fleetOfThree() {
    const { a, b, c } = clusters();
    const { objects, pods } = messyCluster(a);
    return fleetStatus('test', OBSERVED_AT, {
      // Given out of order: the document sorts clusters by name.
      c: clusterStatus(
        c,
        { observedAt: OBSERVED_AT, durationMs: 10000, error: UNREACHABLE, objects: [] },
        { partition: 'canary', manager: MANAGER },
      ),
      a: clusterStatus(a, observation(objects, pods), { partition: 'canary', manager: MANAGER }),
      b: clusterStatus(b, observation(allApplied(b)), { partition: 'all', manager: MANAGER }),
    });
  }

  test('the document: version, kind, clusters sorted', () => {
    const status = fleetOfThree();
    expect(status.schemaVersion).toBe(1);
    expect(status.kind).toBe('FleetLiveStatus');
    expect(status.fleet).toBe('test');
    expect(status.observedAt).toBe(OBSERVED_AT);
    expect(Object.keys(status.clusters)).toEqual(['a', 'b', 'c']);
    expect(allReady(status)).toBe(false);
  });

  test('roll-ups per region and cluster group: worst state, Ready and unreachable clusters, counts per state', () => {
    const status = fleetOfThree();
    expect(status.regions).toEqual({
      'us-east': { state: 'Unknown', clusters: ['c'], readyClusters: 0, unreachableClusters: 1, counts: { Unknown: 4 } },
      'us-west': {
        state: 'Modified',
        clusters: ['a', 'b'],
        readyClusters: 1,
        unreachableClusters: 0,
        counts: { Modified: 3, NotReady: 1, Ready: 3 },
      },
    });
    expect(status.groups).toEqual({
      development: { state: 'Ready', clusters: ['b'], readyClusters: 1, unreachableClusters: 0, counts: { Ready: 3 } },
      production: {
        state: 'Unknown',
        clusters: ['a', 'c'],
        readyClusters: 0,
        unreachableClusters: 1,
        counts: { Unknown: 4, Modified: 3, NotReady: 1 },
      },
    });
    expect(status.summary).toEqual({
      state: 'Unknown',
      clusters: ['a', 'b', 'c'],
      readyClusters: 1,
      unreachableClusters: 1,
      counts: { Unknown: 4, Modified: 3, NotReady: 1, Ready: 3 },
    });
    // Counts list states worst first.
    expect(Object.keys(status.summary.counts)).toEqual(STATES_WORST_FIRST.filter((s) => s in status.summary.counts));
  });

  test("per bundle: Fleet's ready/desired, the worst state, clusters per state", () => {
    const status = fleetOfThree();
    expect(status.bundles).toEqual({
      ingress: { desiredClusters: 3, readyClusters: 1, display: '1/3', state: 'Unknown', counts: { Unknown: 1, Modified: 1, Ready: 1 } },
      monitoring: { desiredClusters: 3, readyClusters: 1, display: '1/3', state: 'Unknown', counts: { Unknown: 1, Modified: 1, Ready: 1 } },
      payments: { desiredClusters: 2, readyClusters: 0, display: '0/2', state: 'Unknown', counts: { Unknown: 1, Modified: 1 } },
      web: { desiredClusters: 3, readyClusters: 1, display: '1/3', state: 'Unknown', counts: { Unknown: 1, NotReady: 1, Ready: 1 } },
    });
  });

  test('every Ready: allReady', () => {
    const { a, b } = clusters();
    const status = fleetStatus('test', OBSERVED_AT, {
      a: clusterStatus(a, observation(allApplied(a)), { partition: 'canary', manager: MANAGER }),
      b: clusterStatus(b, observation(allApplied(b)), { partition: 'all', manager: MANAGER }),
    });
    expect(status.summary.state).toBe('Ready');
    expect(allReady(status)).toBe(true);
    expect(status.bundles.payments.display).toBe('1/1');
  });

  test('no cap: 25 objects that are not ready are all listed', () => {
    const fleet = smallFleet();
    const many = Array.from({ length: 25 }, (_, i) => deployment(`worker-${String(i).padStart(2, '0')}`, 'batch', 2));
    new Bundle(fleet, 'workers', { sources: [Source.objects(many)], targets: [{ clusterName: 'a' }] });
    const a = synthesizeFleet(fleet).clusters.find((c) => c.name === 'a') as SynthesizedCluster;
    const objects = allApplied(a).map((o) => ({
      ...o,
      status: { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 1 },
    }));
    const status = fleetStatus('test', OBSERVED_AT, { a: clusterStatus(a, observation(objects), { partition: 'p', manager: MANAGER }) });
    const nonReady = status.clusters.a.bundles.workers.nonReady;
    expect(nonReady).toHaveLength(25);
    expect(nonReady.map((o) => o.name)).toEqual(many.map((d) => d.metadata.name));
    expect(new Set(nonReady.map((o) => `${o.state}: ${o.message}`))).toEqual(new Set(['NotReady: 1/2 replicas available']));
    expect(status.clusters.a.bundles.workers).toMatchObject({ state: 'NotReady', desiredObjects: 25, readyObjects: 0 });
    expect(status.bundles.workers.display).toBe('0/1');
  });
});
