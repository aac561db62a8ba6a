import { Construct } from 'constructs';
import { checkProps, dnsLabel, labelsSchema, nameForMessages, patchesSchema, shapeOf, str, strict, valuesSchema } from './schemas';
import { ObjectPatch } from './targeting';
import { Values } from './values';

const OVERLAY = Symbol.for('fleetwright.RegionOverlay');

/** Properties of a {@link RegionOverlay}. */
export interface RegionOverlayProps {
  /**
   * The region this overlay applies to; some cluster must be in it.
   *
   * @default - the construct id
   */
  readonly region?: string;
  /**
   * Values for every bundle in the region (above cluster groups, below customizations).
   *
   * @default {}
   */
  readonly values?: Values;
  /**
   * Labels added to every object deployed in the region.
   *
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Annotations added to every object deployed in the region.
   *
   * @default {}
   */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * The region's registry mirror: every container image is pulled from it
   * (`nginx:1.27` → `<mirror>/library/nginx:1.27`).
   *
   * @default - images are left as they are
   */
  readonly imageRegistry?: string;
  /**
   * JSON patches applied to matching objects of every bundle in the region, before target
   * customizations' patches. A patch that matches no object in the region is an error.
   *
   * @default []
   */
  readonly patches?: readonly ObjectPatch[];
}

/**
 * What every cluster of a region gets on top of its bundles: values, labels and annotations, an
 * image registry mirror and JSON patches. One overlay per region.
 *
 * @example
 * new RegionOverlay(fleet, 'us-west', { imageRegistry: 'mirror.us-west.example.com' });
 */
export class RegionOverlay extends Construct {
  /** Whether `x` is a {@link RegionOverlay}. */
  public static isRegionOverlay(x: unknown): x is RegionOverlay {
    return typeof x === 'object' && x !== null && OVERLAY in x;
  }

  /** The region. */
  public readonly region: string;
  /** Values of the overlay layer. */
  public readonly values: Values;
  /** Labels added to every object. */
  public readonly labels: Readonly<Record<string, string>>;
  /** Annotations added to every object. */
  public readonly annotations: Readonly<Record<string, string>>;
  /** The registry mirror, if any. */
  public readonly imageRegistry?: string;
  /** Patches, in order. */
  public readonly patches: readonly ObjectPatch[];

  /**
   * The props are checked at runtime: problems are reported by validation with every other problem
   * of the fleet, and invalid props are not used.
   *
   * @param scope the fleet, or any construct inside it
   * @param id construct id; the default region
   * @param props the overlay
   */
  constructor(scope: Construct, id: string, props: RegionOverlayProps = {}) {
    super(scope, id);
    Object.defineProperty(this, OVERLAY, { value: true });
    const { props: p } = checkProps<RegionOverlayProps>(
      this,
      `region overlay '${nameForMessages(props, 'region', id)}'`,
      regionOverlayPropsSchema,
      props,
    );
    this.region = p.region ?? id;
    this.values = p.values ?? {};
    this.labels = { ...(p.labels ?? {}) };
    this.annotations = { ...(p.annotations ?? {}) };
    this.imageRegistry = p.imageRegistry;
    this.patches = [...(p.patches ?? [])];
  }
}

/** The runtime schema of {@link RegionOverlayProps}. @internal */
export const regionOverlayPropsSchema = strict(
  shapeOf<RegionOverlayProps>()({
    region: dnsLabel('a region name', 'us-west').optional(),
    values: valuesSchema.optional(),
    labels: labelsSchema('label').optional(),
    annotations: labelsSchema('annotation').optional(),
    imageRegistry: str("a registry host such as 'mirror.us-west.example.com'").optional(),
    patches: patchesSchema,
  }),
  'a region overlay',
  "the overlay's properties, an object such as { imageRegistry: 'mirror.us-west.example.com' }",
);
