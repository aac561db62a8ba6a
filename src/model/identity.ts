/**
 * Object identity: the one place that knows how an object is named — its API group, its key in
 * diffs, its Pulumi type token and its Pulumi resource name (and how to read that name back).
 *
 * The resource names are part of the URNs in users' Pulumi state: changing how they are built
 * replaces every object of every fleet. test/model/identity.test.ts pins them.
 */
import { APPLY_ORDER, CLUSTER_SCOPED_KINDS, KubeObject } from './objects';
import { byteOrder } from './names';

/** The identity of an object on one cluster. Two bundles may not emit the same one. */
export interface ObjectId {
  /** `group/version`. */
  readonly apiVersion: string;
  /** Kind. */
  readonly kind: string;
  /** Namespace, '' for cluster-scoped objects. */
  readonly namespace: string;
  /** Name. */
  readonly name: string;
}

/** The pseudo-bundle holding the namespaces fleetwright creates for bundles (`<cluster>/namespaces/<name>`). */
export const NAMESPACES_BUNDLE = '_namespaces';

/** The pseudo-bundle of a cluster's Kubernetes provider (named after the cluster). */
export const PROVIDER_BUNDLE = '_provider';

/** Pulumi type of the component holding a region stack's clusters (`deploy/region.ts`). */
export const REGION_COMPONENT = 'fleetwright:deploy:RegionDeployment';
/** Pulumi type of the component holding one cluster's objects, named after the cluster (`deploy/components.ts`). */
export const CLUSTER_COMPONENT = 'fleetwright:deploy:ClusterDeployment';
/** Pulumi type of the component holding one bundle's objects on one cluster (`deploy/components.ts`). */
export const BUNDLE_COMPONENT = 'fleetwright:deploy:BundleDeployment';

/**
 * The API group of an `apiVersion`: `apps` for `apps/v1`, '' for the core group (`v1`).
 *
 * @param apiVersion `group/version` or `version`
 */
export function apiGroup(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

/**
 * `Kind.group`, or `Kind` for the core group.
 *
 * @param kind the kind
 * @param group the API group ('' for core)
 */
export function qualifiedKind(kind: string, group: string): string {
  return group ? `${kind}.${group}` : kind;
}

/**
 * `namespace/name`, or `name` when there is no namespace.
 *
 * @param namespace the namespace ('' or undefined for cluster-scoped objects)
 * @param name the name
 */
export function qualifiedName(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/**
 * The identity of an object.
 *
 * @param obj the object
 * @param clusterScoped whether the object is cluster-scoped: then its namespace does not count
 */
export function objectId(obj: KubeObject, clusterScoped: boolean): ObjectId {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    namespace: clusterScoped ? '' : (obj.metadata.namespace ?? ''),
    name: obj.metadata.name,
  };
}

/**
 * Whether an object is cluster-scoped: a built-in cluster-scoped kind, or a custom kind that a
 * CRD declares cluster-scoped.
 *
 * @param obj the object
 * @param customClusterKinds `group/kind` of the custom kinds the fleet's CRDs declare cluster-scoped
 */
export function isClusterScoped(obj: KubeObject, customClusterKinds: ReadonlySet<string>): boolean {
  if (CLUSTER_SCOPED_KINDS.has(obj.kind)) return true;
  return customClusterKinds.has(`${apiGroup(obj.apiVersion)}/${obj.kind}`);
}

/**
 * `apiVersion/kind namespace/name` (or `apiVersion/kind name` when cluster-scoped), for messages.
 *
 * @param id the object's identity
 */
export function describeObject(id: ObjectId): string {
  return `${id.apiVersion}/${id.kind} ${qualifiedName(id.namespace, id.name)}`;
}

const ORDER_INDEX = new Map(APPLY_ORDER.map((kind, i) => [kind, i]));

/**
 * Orders objects for applying: by {@link APPLY_ORDER} (other kinds last), then by kind, API version,
 * namespace and name.
 *
 * @param a one identity
 * @param b another identity
 */
export function compareApplyOrder(a: ObjectId, b: ObjectId): number {
  const ia = ORDER_INDEX.get(a.kind) ?? APPLY_ORDER.length;
  const ib = ORDER_INDEX.get(b.kind) ?? APPLY_ORDER.length;
  return (
    ia - ib ||
    byteOrder(a.kind, b.kind) ||
    byteOrder(a.apiVersion, b.apiVersion) ||
    byteOrder(a.namespace, b.namespace) ||
    byteOrder(a.name, b.name)
  );
}

/**
 * `Kind.group namespace/name`: an object's identity in diffs, independent of its API version.
 *
 * @param obj the object (only `apiVersion`, `kind` and the metadata's name and namespace are read)
 */
export function objectKey(obj: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): string {
  return `${qualifiedKind(obj.kind, apiGroup(obj.apiVersion))} ${qualifiedName(obj.metadata.namespace, obj.metadata.name)}`;
}

/**
 * `Kind namespace/name`, without API group or version: how the skew report names an object.
 *
 * @param id the object's identity
 */
export function kindAndName(id: Pick<ObjectId, 'kind' | 'namespace' | 'name'>): string {
  return `${id.kind} ${qualifiedName(id.namespace, id.name)}`;
}

/**
 * The Pulumi type token of a Kubernetes object: `kubernetes:apps/v1:Deployment`,
 * `kubernetes:core/v1:ConfigMap`.
 *
 * @param obj the object's `apiVersion` and `kind`
 */
export function typeToken(obj: Pick<KubeObject, 'apiVersion' | 'kind'>): string {
  return `kubernetes:${obj.apiVersion.includes('/') ? obj.apiVersion : `core/${obj.apiVersion}`}:${obj.kind}`;
}

/**
 * The Pulumi name of an object: `<cluster>/<bundle>/<Kind>[.<group>]/[<namespace>/]<name>`, and
 * `<cluster>/namespaces/<name>` for the namespaces fleetwright creates ({@link NAMESPACES_BUNDLE}).
 * It is part of the URN, unique per cluster, bundle and object, and independent of the region and
 * of the API version, so moving an object to a newer API version does not replace it.
 *
 * @param cluster the cluster name
 * @param bundle the bundle name, or {@link NAMESPACES_BUNDLE}
 * @param id the object's identity
 */
export function resourceName(cluster: string, bundle: string, id: ObjectId): string {
  if (bundle === NAMESPACES_BUNDLE) return `${cluster}/namespaces/${id.name}`;
  return `${cluster}/${bundle}/${qualifiedKind(id.kind, apiGroup(id.apiVersion))}/${qualifiedName(id.namespace, id.name)}`;
}

/** What {@link parseResourceName} reads from a resource name. */
export interface ParsedResourceName {
  /** Cluster. */
  readonly cluster: string;
  /** Bundle, {@link NAMESPACES_BUNDLE} or {@link PROVIDER_BUNDLE}. */
  readonly bundle: string;
  /** Kind (`Namespace` for fleet namespaces, `Provider` for the provider). */
  readonly kind: string;
  /** API group, '' for core (and for the provider). */
  readonly group: string;
  /**
   * Namespace.
   *
   * @default - none: cluster-scoped
   */
  readonly namespace?: string;
  /** Name (the cluster name for the provider). */
  readonly name: string;
}

/**
 * Reads a resource name back: the inverse of {@link resourceName}. A name without `/` is a
 * cluster's Kubernetes provider ({@link PROVIDER_BUNDLE}) — a cluster's component resource has the
 * same name, so callers that may see one check the resource type. Undefined for other names (a
 * bundle's component, `<cluster>/<bundle>`).
 *
 * @param name the resource name (the last part of a URN)
 */
export function parseResourceName(name: string): ParsedResourceName | undefined {
  const parts = name.split('/');
  if (parts.length === 1) return { cluster: name, bundle: PROVIDER_BUNDLE, kind: 'Provider', group: '', name };
  if (parts.length === 3 && parts[1] === 'namespaces') {
    return { cluster: parts[0], bundle: NAMESPACES_BUNDLE, kind: 'Namespace', group: '', name: parts[2] };
  }
  if (parts.length < 4) return undefined;
  const [cluster, bundle, kindGroup] = parts;
  const dot = kindGroup.indexOf('.');
  const kind = dot >= 0 ? kindGroup.slice(0, dot) : kindGroup;
  const group = dot >= 0 ? kindGroup.slice(dot + 1) : '';
  // Kubernetes names have no '/'; should one have, it stays whole.
  if (parts.length === 4) return { cluster, bundle, kind, group, name: parts[3] };
  return { cluster, bundle, kind, group, namespace: parts[3], name: parts.slice(4).join('/') };
}

/**
 * The cluster and bundle of any resource name fleetwright registers: the first two parts of
 * `<cluster>[/<bundle>[/…]]` (`namespaces` for the namespaces fleetwright creates).
 *
 * @param name the resource name (the last part of a URN)
 */
export function resourceOwner(name: string): { cluster: string; bundle?: string } {
  const [cluster, bundle] = name.split('/');
  return bundle === undefined ? { cluster } : { cluster, bundle };
}
