/**
 * readiness: one case per kstatus-like rule, ready and not ready, with the message; podProblem and
 * podsOf.
 */
import type { KubeObject } from '../../src/model/objects';
import { podProblem, podsOf, readiness } from '../../src/status/readiness';

const READY = { ready: true, message: '' };

function obj(apiVersion: string, kind: string, spec: unknown, status: unknown, metadata: Record<string, unknown> = {}): KubeObject {
  return { apiVersion, kind, metadata: { name: 'x', namespace: 'web', generation: 2, ...metadata }, spec, status };
}

const deployment = (status: Record<string, unknown>, replicas = 3): KubeObject =>
  obj('apps/v1', 'Deployment', { replicas, selector: { matchLabels: { app: 'web' } } }, { observedGeneration: 2, ...status });

describe('generic rules', () => {
  test('deletionTimestamp: being deleted', () => {
    const d = deployment({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 });
    d.metadata.deletionTimestamp = '2026-05-14T09:40:00Z';
    expect(readiness(d)).toEqual({ ready: false, message: 'being deleted since 2026-05-14T09:40:00Z' });
  });

  test('observedGeneration behind generation: the controller has not seen the change', () => {
    const d = deployment({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3 });
    expect(readiness(d)).toEqual({
      ready: false,
      message: 'the controller has not seen the latest change yet (observed generation 1 < generation 2)',
    });
    expect(readiness(deployment({ observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }))).toEqual(READY);
  });

  test('a custom resource is judged by its Ready and Stalled conditions, ready without them', () => {
    const cert = (conditions?: unknown[]): KubeObject =>
      obj('cert-manager.io/v1', 'Certificate', { secretName: 'tls' }, conditions ? { observedGeneration: 2, conditions } : undefined);
    expect(readiness(cert())).toEqual(READY);
    expect(readiness(cert([{ type: 'Ready', status: 'True', reason: 'Ready' }]))).toEqual(READY);
    expect(readiness(cert([{ type: 'Ready', status: 'False', reason: 'DoesNotExist', message: 'Issuer letsencrypt not found' }]))).toEqual({
      ready: false,
      message: 'DoesNotExist: Issuer letsencrypt not found',
    });
    expect(readiness(cert([{ type: 'Ready', status: 'Unknown' }]))).toEqual({ ready: false, message: 'condition Ready is Unknown' });
    expect(
      readiness(
        cert([
          { type: 'Ready', status: 'True' },
          { type: 'Stalled', status: 'True', reason: 'InvalidSpec', message: 'dnsNames is empty' },
        ]),
      ),
    ).toEqual({ ready: false, message: 'stalled: InvalidSpec: dnsNames is empty' });
  });

  test('kinds without status (ConfigMap) are ready', () => {
    expect(readiness({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: {} })).toEqual(READY);
  });
});

describe('Deployment', () => {
  test('ready when every replica is updated and available', () => {
    expect(readiness(deployment({ replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 }))).toEqual(READY);
    expect(readiness(deployment({}, 0))).toEqual(READY);
  });

  test('replicas not yet updated, old ones terminating, not available', () => {
    expect(readiness(deployment({ replicas: 3, updatedReplicas: 1, availableReplicas: 3 }))).toEqual({
      ready: false,
      message: '1/3 replicas updated',
    });
    expect(readiness(deployment({ replicas: 4, updatedReplicas: 3, availableReplicas: 3 }))).toEqual({
      ready: false,
      message: '1 old replicas pending termination',
    });
    expect(readiness(deployment({ replicas: 3, updatedReplicas: 3, availableReplicas: 2 }))).toEqual({
      ready: false,
      message: '2/3 replicas available',
    });
  });

  test('ProgressDeadlineExceeded: rollout failed', () => {
    const d = deployment({
      replicas: 3,
      updatedReplicas: 1,
      availableReplicas: 2,
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
        {
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: 'ReplicaSet "web-7d4b9c" has timed out progressing.',
        },
      ],
    });
    expect(readiness(d)).toEqual({
      ready: false,
      message: 'rollout failed: ProgressDeadlineExceeded: ReplicaSet "web-7d4b9c" has timed out progressing.',
    });
  });
});

describe('StatefulSet, DaemonSet, ReplicaSet', () => {
  const sts = (status: Record<string, unknown>, strategy?: string): KubeObject =>
    obj('apps/v1', 'StatefulSet', { replicas: 2, ...(strategy ? { updateStrategy: { type: strategy } } : {}) }, status);

  test('StatefulSet', () => {
    expect(readiness(sts({ readyReplicas: 2, updatedReplicas: 2, currentRevision: 'db-1', updateRevision: 'db-1' }))).toEqual(READY);
    expect(readiness(sts({ readyReplicas: 1 }))).toEqual({ ready: false, message: '1/2 replicas ready' });
    expect(readiness(sts({ readyReplicas: 2, updatedReplicas: 1 }))).toEqual({ ready: false, message: '1/2 replicas updated' });
    expect(readiness(sts({ readyReplicas: 2, updatedReplicas: 2, currentRevision: 'db-1', updateRevision: 'db-2' }))).toEqual({
      ready: false,
      message: 'rolling update in progress (revision db-1 → db-2)',
    });
    expect(readiness(sts({ readyReplicas: 2, updatedReplicas: 0, currentRevision: 'db-1', updateRevision: 'db-2' }, 'OnDelete'))).toEqual(
      READY,
    );
  });

  test('DaemonSet', () => {
    const ds = (status: Record<string, unknown>): KubeObject => obj('apps/v1', 'DaemonSet', {}, { observedGeneration: 2, ...status });
    expect(readiness(ds({ desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 }))).toEqual(READY);
    expect(readiness(obj('apps/v1', 'DaemonSet', {}, {}))).toEqual({ ready: false, message: 'not observed by its controller yet' });
    expect(readiness(ds({ desiredNumberScheduled: 3, updatedNumberScheduled: 2, numberAvailable: 3 }))).toEqual({
      ready: false,
      message: '2/3 pods updated',
    });
    expect(readiness(ds({ desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 1 }))).toEqual({
      ready: false,
      message: '1/3 pods available',
    });
  });

  test('StatefulSet with a rollingUpdate partition: only the replicas above it must be updated', () => {
    const sts = obj(
      'apps/v1',
      'StatefulSet',
      { replicas: 4, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 3 } } },
      { observedGeneration: 2, readyReplicas: 4, updatedReplicas: 1, currentRevision: 'a', updateRevision: 'b' },
    );
    expect(readiness(sts)).toEqual(READY);
    expect(readiness({ ...sts, status: { observedGeneration: 2, readyReplicas: 4, updatedReplicas: 0 } })).toEqual({
      ready: false,
      message: '0/1 replicas updated',
    });
  });

  test('ReplicaSet', () => {
    const rs = (status: Record<string, unknown>): KubeObject => obj('apps/v1', 'ReplicaSet', { replicas: 2 }, status);
    expect(readiness(rs({ availableReplicas: 2 }))).toEqual(READY);
    expect(readiness(rs({ availableReplicas: 1 }))).toEqual({ ready: false, message: '1/2 replicas available' });
    expect(
      readiness(
        rs({
          availableReplicas: 0,
          conditions: [
            { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "web-" is forbidden: exceeded quota' },
          ],
        }),
      ),
    ).toEqual({ ready: false, message: 'replica failure: FailedCreate: pods "web-" is forbidden: exceeded quota' });
  });
});

describe('Job', () => {
  const job = (status: Record<string, unknown>): KubeObject => obj('batch/v1', 'Job', { backoffLimit: 2 }, status);

  test('complete', () => {
    expect(readiness(job({ succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] }))).toEqual(READY);
  });

  test('failed', () => {
    expect(
      readiness(
        job({
          failed: 3,
          conditions: [
            { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' },
          ],
        }),
      ),
    ).toEqual({ ready: false, message: 'job failed: BackoffLimitExceeded: Job has reached the specified backoff limit' });
  });

  test('running', () => {
    expect(readiness(job({ active: 1, failed: 1 }))).toEqual({ ready: false, message: 'job running (1 active, 0 succeeded, 1 failed)' });
  });
});

describe('Pod', () => {
  const pod = (status: Record<string, unknown>, name = 'web-7d4b9c-x2x', labels: Record<string, string> = { app: 'web' }): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'web', labels },
    spec: { containers: [{ name: 'web', image: 'nginx' }] },
    status,
  });

  test('ready, and a completed pod', () => {
    expect(readiness(pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] }))).toEqual(READY);
    expect(readiness(pod({ phase: 'Succeeded' }))).toEqual(READY);
  });

  test('CrashLoopBackOff names the container and the reason', () => {
    const p = pod({
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [web]' }],
      containerStatuses: [
        {
          name: 'web',
          ready: false,
          restartCount: 5,
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s restarting failed container=web pod=web-7d4b9c-x2x' } },
          lastState: { terminated: { exitCode: 1, reason: 'Error' } },
        },
      ],
    });
    const expected = 'container web: CrashLoopBackOff: back-off 2m40s restarting failed container=web pod=web-7d4b9c-x2x';
    expect(podProblem(p)).toBe(expected);
    expect(readiness(p)).toEqual({ ready: false, message: expected });
  });

  test('Unschedulable gives the scheduler message', () => {
    const p = pod({
      phase: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: '0/1 nodes are available: 1 node(s) were unschedulable',
        },
      ],
    });
    expect(readiness(p)).toEqual({ ready: false, message: 'Unschedulable: 0/1 nodes are available: 1 node(s) were unschedulable' });
  });

  test('a container that exited, an init container, a creating pod', () => {
    expect(
      podProblem(
        pod({
          phase: 'Running',
          containerStatuses: [{ name: 'web', state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }],
        }),
      ),
    ).toBe('container web exited 137: OOMKilled');
    expect(
      podProblem(
        pod({
          phase: 'Pending',
          initContainerStatuses: [
            { name: 'migrate', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "db:9"' } } },
          ],
        }),
      ),
    ).toBe('container migrate: ImagePullBackOff: Back-off pulling image "db:9"');
    expect(
      podProblem(pod({ phase: 'Pending', containerStatuses: [{ name: 'web', state: { waiting: { reason: 'ContainerCreating' } } }] })),
    ).toBe('not ready (phase Pending)');
  });

  test('podsOf selects the Pods of a workload by its selector, in its namespace', () => {
    const web = deployment({});
    const pods = [
      pod({}, 'web-1'),
      pod({}, 'web-2', { app: 'web', 'pod-template-hash': '7d4b9c' }),
      pod({}, 'api-1', { app: 'api' }),
      { ...pod({}, 'web-other-ns'), metadata: { name: 'web-other-ns', namespace: 'other', labels: { app: 'web' } } },
    ];
    expect(podsOf(web, pods).map((p) => p.metadata.name)).toEqual(['web-1', 'web-2']);
    const expr = obj('apps/v1', 'Deployment', { selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['api'] }] } }, {});
    expect(podsOf(expr, pods).map((p) => p.metadata.name)).toEqual(['api-1']);
    expect(podsOf(obj('apps/v1', 'Deployment', {}, {}), pods)).toEqual([]);
  });
});

describe('other kinds', () => {
  test('PersistentVolumeClaim: Bound or not', () => {
    const pvc = (phase?: string): KubeObject =>
      obj('v1', 'PersistentVolumeClaim', { resources: { requests: { storage: '1Gi' } } }, phase ? { phase } : {});
    expect(readiness(pvc('Bound'))).toEqual(READY);
    expect(readiness(pvc('Pending'))).toEqual({ ready: false, message: 'claim is Pending, not Bound' });
    expect(readiness(pvc())).toEqual({ ready: false, message: 'claim is Pending, not Bound' });
  });

  test('Namespace: terminating', () => {
    const ns = (phase: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' }, status: { phase } });
    expect(readiness(ns('Active'))).toEqual(READY);
    expect(readiness(ns('Terminating'))).toEqual({ ready: false, message: 'namespace is terminating' });
  });

  test('CustomResourceDefinition: Established', () => {
    const crd = (conditions?: unknown[]): KubeObject => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: { group: 'example.com' },
      status: conditions ? { conditions } : {},
    });
    expect(readiness(crd([{ type: 'Established', status: 'True', reason: 'InitialNamesAccepted' }]))).toEqual(READY);
    expect(
      readiness(crd([{ type: 'Established', status: 'False', reason: 'Installing', message: 'the initial names have not been accepted' }])),
    ).toEqual({
      ready: false,
      message: 'not established: Installing: the initial names have not been accepted',
    });
    expect(readiness(crd())).toEqual({ ready: false, message: 'not established' });
  });

  test('Service: a LoadBalancer needs an ingress; other types are ready', () => {
    const svc = (type: string, status: unknown = {}): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'web' },
      spec: { type, ports: [{ port: 80 }] },
      status,
    });
    expect(readiness(svc('LoadBalancer', { loadBalancer: {} }))).toEqual({ ready: false, message: 'load balancer not provisioned yet' });
    expect(readiness(svc('LoadBalancer', { loadBalancer: { ingress: [] } }))).toEqual({
      ready: false,
      message: 'load balancer not provisioned yet',
    });
    expect(readiness(svc('LoadBalancer', { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } }))).toEqual(READY);
    expect(readiness(svc('ClusterIP'))).toEqual(READY);
  });
});
