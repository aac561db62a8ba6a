/** Object metadata fleetwright reads and writes. */
export interface ObjectMeta {
  /** Object name. */
  name: string;
  /** Namespace; absent for cluster-scoped objects. */
  namespace?: string;
  /** Labels. */
  labels?: Record<string, string>;
  /** Annotations. */
  annotations?: Record<string, string>;
  /** Everything else. */
  [key: string]: unknown;
}

/** A Kubernetes object as plain JSON. */
export interface KubeObject {
  /** `group/version` or `v1`. */
  apiVersion: string;
  /** Kind, e.g. `Deployment`. */
  kind: string;
  /** Metadata. */
  metadata: ObjectMeta;
  /** The rest of the object. */
  [key: string]: unknown;
}

/** Kinds that are cluster-scoped in every Kubernetes release fleetwright supports. */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'APIService',
  'CSIDriver',
  'CSINode',
  'CertificateSigningRequest',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'FlowSchema',
  'IngressClass',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PriorityClass',
  'PriorityLevelConfiguration',
  'RuntimeClass',
  'StorageClass',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
  'VolumeAttachment',
]);

/**
 * Apply order by kind: Namespaces and CRDs first, then Helm's install order; other kinds (custom
 * resources) come last.
 */
export const APPLY_ORDER: readonly string[] = [
  'Namespace',
  'CustomResourceDefinition',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
];

/**
 * Custom resource kinds that CRDs in `objects` declare as cluster-scoped (`spec.scope: Cluster`),
 * keyed by `group/kind`.
 */
export function clusterScopedCustomKinds(objects: readonly KubeObject[]): Set<string> {
  const kinds = new Set<string>();
  for (const obj of objects) {
    if (obj.kind !== 'CustomResourceDefinition') continue;
    const spec = obj.spec as { group?: string; scope?: string; names?: { kind?: string } } | undefined;
    if (spec?.scope === 'Cluster' && spec.group && spec.names?.kind) {
      kinds.add(`${spec.group}/${spec.names.kind}`);
    }
  }
  return kinds;
}

/** The pod specs inside a workload object (Pod, Deployment, CronJob, …), for image rewriting. */
export function podSpecs(obj: KubeObject): Record<string, unknown>[] {
  const get = (root: unknown, ...path: string[]): unknown =>
    path.reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), root);
  const candidates = [
    obj.kind === 'Pod' ? obj.spec : undefined,
    get(obj, 'spec', 'template', 'spec'),
    get(obj, 'spec', 'jobTemplate', 'spec', 'template', 'spec'),
  ];
  return candidates.filter((c): c is Record<string, unknown> => !!c && typeof c === 'object');
}

/**
 * Rewrites an image reference to pull from `mirror`: the registry host is replaced, the
 * repository path and tag or digest are kept. Docker Hub's implicit `library/` is made explicit.
 *
 * @example
 * rewriteImage('nginx:1.27', 'mirror.us-west.example.com')
 * // 'mirror.us-west.example.com/library/nginx:1.27'
 * rewriteImage('quay.io/prometheus/node-exporter:v1.8.0', 'mirror.example.com')
 * // 'mirror.example.com/prometheus/node-exporter:v1.8.0'
 */
export function rewriteImage(image: string, mirror: string): string {
  const firstSlash = image.indexOf('/');
  const first = firstSlash >= 0 ? image.slice(0, firstSlash) : '';
  const hasRegistry = firstSlash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let path = hasRegistry ? image.slice(firstSlash + 1) : image;
  if (!hasRegistry && !path.includes('/')) path = `library/${path}`;
  return `${mirror}/${path}`;
}

/** Rewrites every container image of a workload object in place; returns how many changed. */
export function rewriteImages(obj: KubeObject, mirror: string): number {
  let count = 0;
  for (const spec of podSpecs(obj)) {
    for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
      const containers = spec[field];
      if (!Array.isArray(containers)) continue;
      for (const c of containers as { image?: unknown }[]) {
        if (typeof c.image === 'string' && !c.image.startsWith(`${mirror}/`)) {
          c.image = rewriteImage(c.image, mirror);
          count++;
        }
      }
    }
  }
  return count;
}

/**
 * The server-side apply field manager of every object fleetwright deploys. The provider's default is
 * a random name per create, kept in the state: a create that was interrupted before the state
 * recorded it leaves fields owned by a name no later run knows, and the next change to those
 * fields fails with an apply conflict. One stable name makes applying again idempotent.
 */
export const FIELD_MANAGER = 'fleetwright';
