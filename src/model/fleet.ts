import { Construct, IConstruct } from 'constructs';
import { Bundle } from './bundle';
import { Cluster } from './cluster';
import { ClusterGroup } from './cluster-group';
import { FleetError } from './errors';
import { byteOrder } from './names';
import { RegionOverlay } from './region-overlay';
import { RolloutStrategy } from './rollout';
import { checkProps, dnsLabel, rolloutSchema, shapeOf, strict } from './schemas';

const FLEET = Symbol.for('fleetwright.Fleet');

/** Properties of a {@link Fleet}. */
export interface FleetProps {
  /** The fleet's name (a DNS-1123 label); labels every deployed object. */
  readonly name: string;
  /**
   * How changes roll out across the clusters of a stack.
   *
   * @default - one partition with every cluster below 200 clusters, else partitions of 25%
   */
  readonly rolloutStrategy?: RolloutStrategy;
}

/**
 * The root of a fleet definition: clusters, cluster groups, bundles and region overlays are
 * defined inside it (directly or in nested constructs).
 *
 * @example
 * const fleet = new Fleet({ name: 'edge' });
 * new Cluster(fleet, 'edge-us-west-1', { region: 'us-west', labels: { env: 'prod' } });
 */
export class Fleet extends Construct {
  /** Whether `x` is a {@link Fleet}. */
  public static isFleet(x: unknown): x is Fleet {
    return typeof x === 'object' && x !== null && FLEET in x;
  }

  /**
   * The fleet a construct is defined in.
   *
   * @throws FleetError when the construct is not inside a fleet
   */
  public static of(scope: IConstruct): Fleet {
    for (let s: IConstruct | undefined = scope; s; s = s.node.scope) {
      if (Fleet.isFleet(s)) return s;
    }
    throw new FleetError(scope.node.path, 'must be defined inside a Fleet (directly or indirectly)');
  }

  /** The fleet's name. */
  public readonly fleetName: string;
  /** The rollout strategy. */
  public readonly rolloutStrategy: RolloutStrategy;

  /**
   * The props are checked at runtime: problems are reported by validation with every other problem
   * of the fleet, and invalid props are not used.
   *
   * @param props the fleet's properties
   */
  constructor(props: FleetProps) {
    super(undefined as unknown as Construct, '');
    Object.defineProperty(this, FLEET, { value: true });
    const name = typeof (props as Partial<FleetProps> | undefined)?.name === 'string' ? props.name : '';
    const { props: p } = checkProps<FleetProps>(this, `fleet '${name}'`, fleetPropsSchema, props);
    this.fleetName = p.name ?? '';
    this.rolloutStrategy = p.rolloutStrategy ?? {};
  }

  /** Every cluster, sorted by name. */
  public get clusters(): Cluster[] {
    return this.collect(Cluster.isCluster, (c) => c.clusterName);
  }

  /** Every cluster group, sorted by name. */
  public get clusterGroups(): ClusterGroup[] {
    return this.collect(ClusterGroup.isClusterGroup, (g) => g.groupName);
  }

  /** Every bundle, sorted by name. */
  public get bundles(): Bundle[] {
    return this.collect(Bundle.isBundle, (b) => b.bundleName);
  }

  /** Every region overlay, sorted by region. */
  public get regionOverlays(): RegionOverlay[] {
    return this.collect(RegionOverlay.isRegionOverlay, (o) => o.region);
  }

  /** The regions of the fleet's clusters, sorted. */
  public get regions(): string[] {
    return [...new Set(this.clusters.map((c) => c.region))].sort(byteOrder);
  }

  private collect<T extends IConstruct>(guard: (x: unknown) => x is T, key: (x: T) => string): T[] {
    return this.node
      .findAll()
      .filter(guard)
      .sort((a, b) => byteOrder(key(a), key(b)) || byteOrder(a.node.path, b.node.path));
  }
}

/** The runtime schema of {@link FleetProps}. @internal */
export const fleetPropsSchema = strict(
  shapeOf<FleetProps>()({
    name: dnsLabel('the fleet name', 'edge'),
    rolloutStrategy: rolloutSchema.optional(),
  }),
  'a fleet',
  "the fleet's properties, an object such as { name: 'edge' }",
);
