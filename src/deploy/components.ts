import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { byteOrder } from '../model/names';
import {
  apiGroup,
  BUNDLE_COMPONENT,
  CLUSTER_COMPONENT,
  NAMESPACES_BUNDLE,
  qualifiedKind,
  resourceName,
  typeToken,
} from '../model/identity';
import { FIELD_MANAGER, KubeObject } from '../model/objects';
import { SynthesizedBundle, SynthesizedCluster, SynthesizedObject } from '../synth/synth';
import { clusterStatus } from '../status/assess';
import { readiness } from '../status/readiness';
import { observeCluster } from '../status/read';
import { BundleState, ClusterBundleStatus, ClusterStatus, ServiceEndpoint, worstState } from './outputs';

/** Settings that apply to every object a stack deploys. */
export interface DeploySettings {
  /**
   * Do not wait for workloads to become Ready (for API servers without controllers).
   *
   * @default false
   */
  readonly skipAwait?: boolean;
  /**
   * How long to wait for an object to become Ready on create or update.
   *
   * @default "10m"
   */
  readonly readyTimeout?: string;
  /**
   * Read each cluster's live state once its bundles are deployed, so the stack outputs carry
   * observed states (`up` only; a preview assumes Ready).
   *
   * @default true
   */
  readonly observe?: boolean;
}

export { FIELD_MANAGER };

/** Kinds Pulumi's provider waits on after an apply although fleetwright's readiness may not. */
const AWAITED_BY_PROVIDER_ONLY = new Set(['Service', 'Ingress.networking.k8s.io']);

/**
 * Whether the provider's await is skipped for `manifest`: always with `skipAwait`, and for objects
 * fleetwright's own readiness (`status/readiness.ts`, after kstatus and Fleet) counts Ready as soon
 * as they are applied, so the rollout gate and the status agree. Pulumi waits for a Service's
 * endpoints and then 10 s more for them to settle, and for an Ingress's load balancer address (which
 * never comes without an ingress controller); the Pods behind both are already gated by their
 * workload's readiness. A `LoadBalancer` Service is not Ready until provisioned, so it is awaited.
 */
export function skipsProviderAwait(manifest: KubeObject, settings: DeploySettings): boolean {
  return (
    (settings.skipAwait ?? false) ||
    (AWAITED_BY_PROVIDER_ONLY.has(qualifiedKind(manifest.kind, apiGroup(manifest.apiVersion))) &&
      readiness({ ...manifest, status: undefined }).ready)
  );
}

function objectInputs(manifest: KubeObject, settings: DeploySettings): pulumi.Inputs {
  // A plain-JSON copy: Pulumi serializes by prototype, so arrays must be this realm's arrays.
  const obj = JSON.parse(JSON.stringify(manifest)) as KubeObject;
  const inputs: pulumi.Inputs = { ...obj };
  inputs.metadata = {
    ...obj.metadata,
    annotations: {
      ...obj.metadata.annotations,
      'pulumi.com/patchFieldManager': FIELD_MANAGER,
      // The fleet is the source of truth for the fields it sets: an apply takes them back from
      // whoever changed them on the cluster (`kubectl scale`, `kubectl edit`), as Flux and Argo CD
      // do; fields the fleet does not set stay with their managers.
      'pulumi.com/patchForce': 'true',
      ...(skipsProviderAwait(obj, settings) ? { 'pulumi.com/skipAwait': 'true' } : {}),
    },
  };
  if (obj.kind === 'Secret' && obj.apiVersion === 'v1') {
    for (const field of ['data', 'stringData']) {
      if (obj[field] !== undefined) inputs[field] = pulumi.secret(obj[field] as pulumi.Input<Record<string, string>>);
    }
  }
  return inputs;
}

/** A Kubernetes object of any kind, registered under its typed token (`kubernetes:apps/v1:Deployment`). */
export class KubeObjectResource extends pulumi.CustomResource {}

function createObject(name: string, obj: KubeObject, settings: DeploySettings, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
  const isSecret = obj.kind === 'Secret' && obj.apiVersion === 'v1';
  const timeout = settings.readyTimeout ?? '10m';
  return new KubeObjectResource(typeToken(obj), name, objectInputs(obj, settings), {
    ...opts,
    customTimeouts: { create: timeout, update: timeout },
    additionalSecretOutputs: isSecret ? ['data', 'stringData'] : undefined,
  });
}

/** Arguments of a {@link BundleDeployment}. */
export interface BundleDeploymentArgs {
  /** Cluster name. */
  readonly cluster: string;
  /** The synthesized bundle. */
  readonly bundle: SynthesizedBundle;
  /** Settings for every object. */
  readonly settings: DeploySettings;
}

const FOUNDATION_KINDS = new Set(['Namespace', 'CustomResourceDefinition']);

/**
 * One bundle's objects on one cluster. Its Namespaces and CRDs are created before its other
 * objects.
 */
export class BundleDeployment extends pulumi.ComponentResource {
  /** The bundle's state once every object is applied and Ready. */
  public readonly state: pulumi.Output<BundleState>;

  /**
   * @param name `<cluster>/<bundle>`
   * @param args the bundle
   * @param opts must carry the cluster's provider
   */
  constructor(name: string, args: BundleDeploymentArgs, opts: pulumi.ComponentResourceOptions) {
    super(BUNDLE_COMPONENT, name, {}, opts);
    const child = (o: SynthesizedObject, dependsOn: pulumi.Resource[]): pulumi.CustomResource =>
      createObject(resourceName(args.cluster, args.bundle.name, o.id), o.manifest, args.settings, {
        parent: this,
        provider: opts.provider,
        dependsOn,
      });
    const foundation = args.bundle.objects.filter((o) => FOUNDATION_KINDS.has(o.id.kind)).map((o) => child(o, []));
    const rest = args.bundle.objects.filter((o) => !FOUNDATION_KINDS.has(o.id.kind)).map((o) => child(o, foundation));
    this.state = pulumi.all([...foundation, ...rest].map((r) => r.id)).apply((): BundleState => 'Ready');
    this.registerOutputs({ state: this.state });
  }
}

/** Arguments of a {@link ClusterDeployment}. */
export interface ClusterDeploymentArgs {
  /** The fleet's name (its objects carry it in `fleetwright.io/fleet`). */
  readonly fleet: string;
  /** The synthesized cluster. */
  readonly cluster: SynthesizedCluster;
  /** The cluster's kubeconfig (a secret). */
  readonly kubeconfig: pulumi.Input<string>;
  /** The rollout partition the cluster is in. */
  readonly partition: string;
  /** Settings for every object. */
  readonly settings: DeploySettings;
}

/** Orders bundles so that each comes after the bundles it depends on (ties by name). */
export function dependencyOrder(bundles: readonly SynthesizedBundle[]): SynthesizedBundle[] {
  const byName = new Map(bundles.map((b) => [b.name, b]));
  const done = new Set<string>();
  const out: SynthesizedBundle[] = [];
  const visit = (b: SynthesizedBundle): void => {
    if (done.has(b.name)) return;
    done.add(b.name);
    for (const dep of b.dependsOn) {
      const d = byName.get(dep);
      if (d) visit(d);
    }
    out.push(b);
  };
  [...bundles].sort((a, b) => byteOrder(a.name, b.name)).forEach(visit);
  return out;
}

function endpoints(cluster: SynthesizedCluster): ServiceEndpoint[] {
  return cluster.bundles.flatMap((b) =>
    b.objects
      .filter((o) => o.id.kind === 'Service' && o.id.apiVersion === 'v1')
      .map((o) => ({
        bundle: b.name,
        namespace: o.id.namespace,
        name: o.id.name,
        dns: `${o.id.name}.${o.id.namespace}.svc.cluster.local`,
        ports: Array.from((o.manifest.spec as { ports?: { port: number }[] } | undefined)?.ports ?? [], (p) => p.port),
      })),
  );
}

/** Time one cluster may take to answer the read after `up`, in milliseconds. */
const OBSERVE_TIMEOUT_MS = 30_000;

/** The cluster's status as read from the cluster after its bundles were deployed. */
async function observed(args: ClusterDeploymentArgs, assumed: ClusterStatus, kubeconfig: string): Promise<ClusterStatus> {
  const target = { cluster: args.cluster, kubeconfig, partition: args.partition };
  const options = { fleet: args.fleet, manager: FIELD_MANAGER, timeoutMs: OBSERVE_TIMEOUT_MS };
  const live = clusterStatus(args.cluster, await observeCluster(target, options), { partition: args.partition, manager: FIELD_MANAGER });
  const bundles: Record<string, ClusterBundleStatus> = {};
  for (const [name, b] of Object.entries(assumed.bundles)) {
    const l = live.bundles[name];
    bundles[name] = l ? { ...b, state: l.state, readyObjects: l.readyObjects, nonReady: l.nonReady } : b;
  }
  return {
    ...assumed,
    state: live.state,
    bundles,
    observedAt: live.observedAt,
    reachable: live.reachable,
    ...(live.error !== undefined ? { error: live.error } : {}),
  };
}

/**
 * Everything fleetwright deploys to one cluster: a Kubernetes provider built from the cluster's
 * kubeconfig (with `clusterIdentifier` set to the cluster name, so a rotated kubeconfig never
 * replaces the cluster's objects; ConfigMaps and Secrets updated in place, as `kubectl apply` does),
 * the namespaces its bundles need, and one
 * {@link BundleDeployment} per bundle, after the bundles it depends on. On `up`, once its bundles
 * are deployed, it reads the cluster's live state (`status/`), so its status output is observed.
 */
export class ClusterDeployment extends pulumi.ComponentResource {
  /** The cluster's status for the stack outputs. */
  public readonly status: pulumi.Output<ClusterStatus>;
  /**
   * What the cluster's objects are deployed by (its namespaces and bundles): a resource that
   * depends on these waits until every object is applied and Ready, not for the status read.
   */
  public readonly deployed: readonly pulumi.Resource[];

  /**
   * @param name the cluster name
   * @param args the cluster, its kubeconfig and settings
   * @param opts resource options (rollout dependencies)
   */
  constructor(name: string, args: ClusterDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
    super(CLUSTER_COMPONENT, name, {}, opts);
    const c = args.cluster;
    // The provider hangs from the region, not from this component: the engine creates providers
    // even for clusters a run leaves out (a sharded region's later partitions), and a provider
    // whose parent is not in the state breaks the snapshot. The alias keeps providers that earlier
    // versions created under this component (no replacement of the cluster's objects).
    const provider = new k8s.Provider(
      name,
      {
        kubeconfig: args.kubeconfig,
        clusterIdentifier: c.name,
        enableServerSideApply: true,
        // A changed ConfigMap or Secret is applied in place, as `kubectl apply` and Fleet do, rather
        // than deleted and created again under the same name (the provider's default): no window in
        // which the object is missing, and none for a cancelled run to leave it deleted.
        enableConfigMapMutable: true,
        enableSecretMutable: true,
      },
      // The alias names this component by its URN, which is known before the component is
      // registered: waiting for it would hold the provider's start until the previous wave is done.
      {
        parent: opts?.parent ?? this,
        aliases: opts?.parent ? [{ parent: pulumi.createUrn(name, CLUSTER_COMPONENT, opts.parent) }] : [],
      },
    );
    const namespaces = c.namespaces.map((ns) =>
      createObject(resourceName(name, NAMESPACES_BUNDLE, ns.id), ns.manifest, args.settings, { parent: this, provider }),
    );
    const deployed = new Map<string, BundleDeployment>();
    for (const b of dependencyOrder(c.bundles)) {
      const deps = b.dependsOn.map((d) => deployed.get(d)).filter((d): d is BundleDeployment => d !== undefined);
      deployed.set(
        b.name,
        new BundleDeployment(
          `${name}/${b.name}`,
          { cluster: name, bundle: b, settings: args.settings },
          { parent: this, provider, dependsOn: [...namespaces, ...deps] },
        ),
      );
    }
    this.deployed = [...namespaces, ...deployed.values()];
    const names = [...deployed.keys()].sort(byteOrder);
    const assumed = pulumi.all(names.map((n) => (deployed.get(n) as BundleDeployment).state)).apply((states) => {
      const bundles: Record<string, ClusterBundleStatus> = {};
      names.forEach((n, i) => {
        const b = c.bundles.find((x) => x.name === n) as SynthesizedBundle;
        bundles[n] = { state: states[i], objects: b.objects.length, target: b.target };
      });
      return { region: c.region, partition: args.partition, state: worstState(states), bundles, endpoints: endpoints(c) };
    });
    const observe = (args.settings.observe ?? true) && !pulumi.runtime.isDryRun();
    // The status holds no credential, but it is computed from the kubeconfig (a secret), which
    // would make the whole output secret; other teams must be able to read it.
    this.status = !observe
      ? assumed
      : pulumi.unsecret(pulumi.all([assumed, args.kubeconfig]).apply(async ([status, kubeconfig]) => observed(args, status, kubeconfig)));
    this.registerOutputs({ status: this.status });
  }
}
