import { Construct, IConstruct } from 'constructs';
import { Kubeconfig } from './kubeconfig';
import {
  checkProps,
  dnsLabel,
  kubeconfigSchema,
  labelsSchema,
  nameForMessages,
  shapeOf,
  str,
  strict,
  unquote,
  valuesSchema,
} from './schemas';
import { Values } from './values';

const CLUSTER = Symbol.for('fleetwright.Cluster');

/** A cluster of the fleet, as other constructs refer to it. */
export interface ICluster extends IConstruct {
  /** The cluster's name (unique in the fleet, a DNS-1123 label). */
  readonly clusterName: string;
  /** The region the cluster belongs to; selects its region overlay and its stack. */
  readonly region: string;
  /** Labels used by selectors. */
  readonly labels: Readonly<Record<string, string>>;
}

/** Properties of a {@link Cluster}. */
export interface ClusterProps {
  /**
   * The cluster's name: a DNS-1123 label, unique in the fleet.
   *
   * @default - the construct id
   */
  readonly name?: string;
  /** The region the cluster runs in (a DNS-1123 label). */
  readonly region: string;
  /**
   * Labels, matched by `clusterSelector` and cluster group selectors.
   *
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Where the cluster's kubeconfig comes from when deploying. Never the kubeconfig itself.
   *
   * @default Kubeconfig.fromStackConfig()
   */
  readonly kubeconfig?: Kubeconfig;
  /**
   * Values for every bundle on this cluster: the most specific layer.
   *
   * @default {}
   */
  readonly values?: Values;
}

/**
 * A registered Kubernetes cluster.
 *
 * @example
 * new Cluster(fleet, 'edge-us-west-1', { region: 'us-west', labels: { env: 'prod' } });
 */
export class Cluster extends Construct implements ICluster {
  /** Whether `x` is a {@link Cluster} (works across copies of the library). */
  public static isCluster(x: unknown): x is Cluster {
    return typeof x === 'object' && x !== null && CLUSTER in x;
  }

  public readonly clusterName: string;
  public readonly region: string;
  /** Where the kubeconfig comes from. */
  public readonly kubeconfig: Kubeconfig;
  /** Values of the cluster layer. */
  public readonly values: Values;
  private readonly _labels: Record<string, string>;

  /**
   * The props are checked at runtime (for fleets written in JavaScript or built from data): problems
   * are reported by validation with every other problem of the fleet, and invalid props are not used.
   *
   * @param scope the fleet, or any construct inside it
   * @param id construct id; the default name
   * @param props the cluster's properties
   */
  constructor(scope: Construct, id: string, props: ClusterProps) {
    super(scope, id);
    Object.defineProperty(this, CLUSTER, { value: true });
    const { props: p } = checkProps<ClusterProps>(this, `cluster '${nameForMessages(props, 'name', id)}'`, clusterPropsSchema, props);
    this.clusterName = p.name ?? id;
    this.region = p.region ?? '';
    this.kubeconfig = p.kubeconfig ?? Kubeconfig.fromStackConfig();
    this.values = p.values ?? {};
    this._labels = { ...(p.labels ?? {}) };
  }

  /** The cluster's labels (a copy). */
  public get labels(): Record<string, string> {
    return { ...this._labels };
  }
}

/** The runtime schema of {@link ClusterProps}. @internal */
export const clusterPropsSchema = strict(
  shapeOf<ClusterProps>()({
    name: dnsLabel('a cluster name', 'edge-us-west-1').optional(),
    region: str("the region the cluster runs in (a DNS-1123 label such as 'us-west')", (input) =>
      input === undefined ? "add region: 'us-west' (every cluster needs one: it picks the region overlay and stack)" : unquote(input),
    ),
    labels: labelsSchema('label').optional(),
    kubeconfig: kubeconfigSchema.optional(),
    values: valuesSchema.optional(),
  }),
  'a cluster',
  "the cluster's properties, an object such as { region: 'us-west', labels: { env: 'prod' } }",
);
