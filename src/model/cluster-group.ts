import { Construct, IConstruct } from 'constructs';
import { ICluster } from './cluster';
import {
  checkProps,
  clusterRefSchema,
  dnsLabel,
  err,
  labelsSchema,
  mustBe,
  nameForMessages,
  selectorSchema,
  shapeOf,
  strict,
  valuesSchema,
} from './schemas';
import { z } from 'zod';
import { LabelSelector, selectorMatches } from './selector';
import { Values } from './values';

const GROUP = Symbol.for('fleetwright.ClusterGroup');

/** Properties of a {@link ClusterGroup}. */
export interface ClusterGroupProps {
  /**
   * The group's name: a DNS-1123 label, unique in the fleet. Targets refer to it by `clusterGroup`.
   *
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Clusters whose labels match are members. Like Fleet, an absent selector selects nothing and
   * `{}` selects every cluster.
   *
   * @default - no cluster is selected by labels
   */
  readonly selector?: LabelSelector;
  /**
   * Clusters that are members whatever their labels. More can be added with `addCluster()`.
   *
   * @default []
   */
  readonly clusters?: readonly ICluster[];
  /**
   * The group's own labels, matched by `clusterGroupSelector`.
   *
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Values for every bundle on the group's clusters (above bundle defaults, below region overlays).
   *
   * @default {}
   */
  readonly values?: Values;
}

/**
 * A named set of clusters: those its selector matches plus explicit members. A cluster may be in
 * several groups.
 *
 * @example
 * new ClusterGroup(fleet, 'edge-us-west', { selector: { matchLabels: { region: 'us-west' } }, labels: { region: 'us-west' } });
 */
export class ClusterGroup extends Construct {
  /** Whether `x` is a {@link ClusterGroup}. */
  public static isClusterGroup(x: unknown): x is ClusterGroup {
    return typeof x === 'object' && x !== null && GROUP in x;
  }

  /** The group's name. */
  public readonly groupName: string;
  /** The selector, if any. */
  public readonly selector?: LabelSelector;
  /** Values of the group layer. */
  public readonly values: Values;
  private readonly _labels: Record<string, string>;
  private readonly _members: ICluster[];

  /**
   * The props are checked at runtime: problems are reported by validation with every other problem
   * of the fleet, and invalid props are not used (an invalid selector selects nothing).
   *
   * @param scope the fleet, or any construct inside it
   * @param id construct id; the default name
   * @param props the group's properties
   */
  constructor(scope: Construct, id: string, props: ClusterGroupProps = {}) {
    super(scope, id);
    Object.defineProperty(this, GROUP, { value: true });
    const { props: p } = checkProps<ClusterGroupProps>(
      this,
      `cluster group '${nameForMessages(props, 'name', id)}'`,
      clusterGroupPropsSchema,
      props,
    );
    this.groupName = p.name ?? id;
    this.selector = p.selector;
    this.values = p.values ?? {};
    this._labels = { ...(p.labels ?? {}) };
    this._members = [...(p.clusters ?? [])];
  }

  /** The group's own labels (a copy). */
  public get labels(): Record<string, string> {
    return { ...this._labels };
  }

  /** Clusters added explicitly (a copy). */
  public get explicitMembers(): IConstruct[] {
    return [...this._members];
  }

  /** Adds a cluster to the group whatever its labels. Adding it twice is harmless. */
  public addCluster(cluster: ICluster): void {
    if (!this._members.includes(cluster)) this._members.push(cluster);
  }

  /** Whether the cluster is a member: selected by labels or added explicitly. */
  public contains(cluster: ICluster): boolean {
    return this._members.includes(cluster) || (this.selector !== undefined && selectorMatches(this.selector, cluster.labels));
  }
}

/** The runtime schema of {@link ClusterGroupProps}. @internal */
export const clusterGroupPropsSchema = strict(
  shapeOf<ClusterGroupProps>()({
    name: dnsLabel('a group name', 'edge-us-west').optional(),
    selector: selectorSchema.optional(),
    clusters: z.array(clusterRefSchema, err(mustBe('a list of Cluster constructs'))).optional(),
    labels: labelsSchema('label').optional(),
    values: valuesSchema.optional(),
  }),
  'a cluster group',
  "the group's properties, an object such as { selector: { matchLabels: { region: 'us-west' } } }",
);
