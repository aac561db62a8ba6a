/**
 * Whether a live object is ready, and why not: rules in the spirit of kstatus
 * (sigs.k8s.io/cli-utils/pkg/kstatus): the controller must have seen the latest generation, then
 * per kind: workloads have their replicas updated and available, Jobs complete, Pods ready, claims
 * bound, CRDs established, load balancers provisioned; any other kind is judged by its `Ready` or
 * `Stalled` condition, and is ready when it has none. Pure: reads the object, nothing else.
 */
import { apiGroup, qualifiedKind } from '../model/identity';
import type { KubeObject } from '../model/objects';

/** The verdict on one object. */
export interface Readiness {
  /** Whether the object is ready. */
  readonly ready: boolean;
  /** Why it is not (empty when ready). */
  readonly message: string;
}

interface Condition {
  readonly type?: string;
  readonly status?: string;
  readonly reason?: string;
  readonly message?: string;
}

type Status = Record<string, unknown> & { conditions?: Condition[] };

const READY: Readiness = { ready: true, message: '' };
const notReady = (message: string): Readiness => ({ ready: false, message });

function statusOf(obj: KubeObject): Status {
  const s = obj.status;
  return s && typeof s === 'object' ? (s as Status) : {};
}

function num(v: unknown, fallback = 0): number {
  return typeof v === 'number' ? v : fallback;
}

function condition(s: Status, type: string): Condition | undefined {
  return Array.isArray(s.conditions) ? s.conditions.find((c) => c.type === type) : undefined;
}

/** `Reason: message` of a condition, without repeating the reason. */
function explain(c: Condition): string {
  const parts = [c.reason, c.message].filter((p): p is string => typeof p === 'string' && p !== '');
  return parts.join(': ');
}

function generationCurrent(obj: KubeObject, s: Status): Readiness | undefined {
  const generation = obj.metadata.generation;
  const observed = s.observedGeneration;
  if (typeof generation === 'number' && typeof observed === 'number' && observed < generation) {
    return notReady(`the controller has not seen the latest change yet (observed generation ${observed} < generation ${generation})`);
  }
  return undefined;
}

function failedProgress(s: Status): Readiness | undefined {
  const progressing = condition(s, 'Progressing');
  if (progressing?.status === 'False' || progressing?.reason === 'ProgressDeadlineExceeded') {
    return notReady(`rollout failed: ${explain(progressing)}`);
  }
  return undefined;
}

function deployment(obj: KubeObject, s: Status): Readiness {
  const want = num((obj.spec as { replicas?: unknown } | undefined)?.replicas, 1);
  const failed = failedProgress(s);
  if (failed) return failed;
  const updated = num(s.updatedReplicas);
  const available = num(s.availableReplicas);
  const total = num(s.replicas);
  if (updated < want) return notReady(`${updated}/${want} replicas updated`);
  if (total > updated) return notReady(`${total - updated} old replicas pending termination`);
  if (available < want) return notReady(`${available}/${want} replicas available`);
  return READY;
}

function statefulSet(obj: KubeObject, s: Status): Readiness {
  const spec = (obj.spec ?? {}) as { replicas?: unknown; updateStrategy?: { type?: string; rollingUpdate?: { partition?: unknown } } };
  const want = num(spec.replicas, 1);
  const ready = num(s.readyReplicas);
  if (ready < want) return notReady(`${ready}/${want} replicas ready`);
  if (spec.updateStrategy?.type !== 'OnDelete') {
    // With a partition, only the replicas at or above it are updated (a staged rollout).
    const partition = num(spec.updateStrategy?.rollingUpdate?.partition);
    const updated = num(s.updatedReplicas);
    if (updated < want - partition) return notReady(`${updated}/${want - partition} replicas updated`);
    if (partition === 0 && s.updateRevision && s.currentRevision !== s.updateRevision) {
      return notReady(`rolling update in progress (revision ${String(s.currentRevision)} → ${String(s.updateRevision)})`);
    }
  }
  return READY;
}

function daemonSet(s: Status): Readiness {
  if (s.observedGeneration === undefined) return notReady('not observed by its controller yet');
  const want = num(s.desiredNumberScheduled);
  const updated = num(s.updatedNumberScheduled);
  const available = num(s.numberAvailable);
  if (updated < want) return notReady(`${updated}/${want} pods updated`);
  if (available < want) return notReady(`${available}/${want} pods available`);
  return READY;
}

function replicaSet(obj: KubeObject, s: Status): Readiness {
  const want = num((obj.spec as { replicas?: unknown } | undefined)?.replicas, 1);
  const available = num(s.availableReplicas);
  const failure = condition(s, 'ReplicaFailure');
  if (failure?.status === 'True') return notReady(`replica failure: ${explain(failure)}`);
  if (available < want) return notReady(`${available}/${want} replicas available`);
  return READY;
}

function job(s: Status): Readiness {
  const failed = condition(s, 'Failed');
  if (failed?.status === 'True') return notReady(`job failed: ${explain(failed)}`);
  if (condition(s, 'Complete')?.status === 'True') return READY;
  return notReady(`job running (${num(s.active)} active, ${num(s.succeeded)} succeeded, ${num(s.failed)} failed)`);
}

/** Why a Pod is not ready: the first waiting or failing container, else the failing condition. */
export function podProblem(pod: KubeObject): string | undefined {
  const s = statusOf(pod);
  if (s.phase === 'Succeeded') return undefined;
  if (condition(s, 'Ready')?.status === 'True') return undefined;
  const statuses = [
    ...((s.initContainerStatuses as unknown[] | undefined) ?? []),
    ...((s.containerStatuses as unknown[] | undefined) ?? []),
  ] as { name?: string; state?: { waiting?: Condition; terminated?: Condition & { exitCode?: number } } }[];
  for (const c of statuses) {
    const waiting = c.state?.waiting;
    if (waiting?.reason && waiting.reason !== 'ContainerCreating' && waiting.reason !== 'PodInitializing') {
      return `container ${c.name ?? '?'}: ${explain(waiting)}`;
    }
    const terminated = c.state?.terminated;
    if (terminated && terminated.exitCode !== 0)
      return `container ${c.name ?? '?'} exited ${num(terminated.exitCode)}: ${explain(terminated)}`;
  }
  const scheduled = condition(s, 'PodScheduled');
  if (scheduled?.status === 'False') return explain(scheduled) || 'not scheduled';
  if (s.phase === 'Failed') return `failed: ${String(s.reason ?? s.message ?? '')}`;
  const ready = condition(s, 'Ready');
  if (ready) return explain(ready) || `not ready (phase ${String(s.phase ?? 'unknown')})`;
  return `not ready (phase ${String(s.phase ?? 'Pending')})`;
}

function pod(obj: KubeObject): Readiness {
  const problem = podProblem(obj);
  return problem === undefined ? READY : notReady(problem);
}

function generic(s: Status): Readiness {
  const stalled = condition(s, 'Stalled');
  if (stalled?.status === 'True') return notReady(`stalled: ${explain(stalled)}`);
  const ready = condition(s, 'Ready');
  if (ready && ready.status !== 'True') return notReady(explain(ready) || `condition Ready is ${ready.status ?? 'unknown'}`);
  return READY;
}

/** Whether the live object is ready, and why not. */
export function readiness(obj: KubeObject): Readiness {
  const s = statusOf(obj);
  if (typeof obj.metadata.deletionTimestamp === 'string') return notReady(`being deleted since ${obj.metadata.deletionTimestamp}`);
  const stale = generationCurrent(obj, s);
  if (stale) return stale;
  switch (qualifiedKind(obj.kind, apiGroup(obj.apiVersion))) {
    case 'Deployment.apps':
      return deployment(obj, s);
    case 'StatefulSet.apps':
      return statefulSet(obj, s);
    case 'DaemonSet.apps':
      return daemonSet(s);
    case 'ReplicaSet.apps':
      return replicaSet(obj, s);
    case 'Job.batch':
      return job(s);
    case 'Pod':
      return pod(obj);
    case 'PersistentVolumeClaim':
      return s.phase === 'Bound' ? READY : notReady(`claim is ${String(s.phase ?? 'Pending')}, not Bound`);
    case 'Namespace':
      return s.phase === 'Terminating' ? notReady('namespace is terminating') : READY;
    case 'CustomResourceDefinition.apiextensions.k8s.io': {
      const established = condition(s, 'Established');
      return established?.status === 'True' ? READY : notReady(`not established${established ? `: ${explain(established)}` : ''}`);
    }
    case 'Service': {
      const type = (obj.spec as { type?: string } | undefined)?.type;
      const ingress = (s.loadBalancer as { ingress?: unknown[] } | undefined)?.ingress;
      if (type === 'LoadBalancer' && !(Array.isArray(ingress) && ingress.length > 0)) return notReady('load balancer not provisioned yet');
      return READY;
    }
    default:
      return generic(s);
  }
}

/** Kinds whose readiness depends on Pods they create, selected by `spec.selector`. */
export const POD_OWNER_KINDS: ReadonlySet<string> = new Set([
  'Deployment.apps',
  'StatefulSet.apps',
  'DaemonSet.apps',
  'ReplicaSet.apps',
  'Job.batch',
]);

/**
 * The Pods of a workload among `pods` (same namespace, matching `spec.selector.matchLabels` and
 * `matchExpressions` of the `In`/`Exists` kinds), for the reason a workload is not ready.
 */
export function podsOf(workload: KubeObject, pods: readonly KubeObject[]): KubeObject[] {
  const selector = (
    workload.spec as
      | { selector?: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } }
      | undefined
  )?.selector;
  if (!selector) return [];
  const ns = workload.metadata.namespace ?? '';
  return pods.filter((p) => {
    if ((p.metadata.namespace ?? '') !== ns) return false;
    const labels = p.metadata.labels ?? {};
    for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
    for (const e of selector.matchExpressions ?? []) {
      const has = Object.prototype.hasOwnProperty.call(labels, e.key);
      if (e.operator === 'In' && !(has && (e.values ?? []).includes(labels[e.key]))) return false;
      if (e.operator === 'NotIn' && has && (e.values ?? []).includes(labels[e.key])) return false;
      if (e.operator === 'Exists' && !has) return false;
      if (e.operator === 'DoesNotExist' && has) return false;
    }
    return Object.keys(selector.matchLabels ?? {}).length > 0 || (selector.matchExpressions ?? []).length > 0;
  });
}
