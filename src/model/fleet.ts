import { Construct, IConstruct } from 'constructs';
import { Bundle } from './bundle';
import { Cluster } from './cluster';
import { ClusterGroup } from './cluster-group';
import { FleetError } from './errors';
import { byteOrder } from './names';
import { RegionOverlay } from './region-overlay';
import { RolloutStrategy } from './rollout';
import { checkProps, dnsLabel, positiveInteger, rolloutSchema, shapeOf, strict } from './schemas';

/** Default most clusters per region stack (see `shards.ts`). */
export const DEFAULT_SHARD_SIZE = 25;

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
  /**
   * Most clusters one region stack deploys: a region with more is deployed as
   * `ceil(clusters / shardSize)` shard stacks (`<region>.1`, `<region>.2`, …), run in parallel by
   * `fleetwright up`. A cluster's shard depends only on its name and the number of shards, so adding
   * a cluster never moves another one; when the number of shards changes, the clusters that move
   * keep their objects (their state is moved, nothing is deleted).
   *
   * @default 25
   */
  readonly shardSize?: number;
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
  /** Most clusters per region stack before a region is sharded. */
  public readonly shardSize: number;

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
    this.shardSize = p.shardSize ?? DEFAULT_SHARD_SIZE;
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
    shardSize: positiveInteger('a whole number of clusters per region stack, 1 or more, such as 25').optional(),
  }),
  'a fleet',
  "the fleet's properties, an object such as { name: 'edge' }",
);
