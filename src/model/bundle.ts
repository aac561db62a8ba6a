import { Construct, IConstruct } from 'constructs';
import {
  checkProps,
  custom,
  customizationSchema,
  dependencySchema,
  dnsLabel,
  err,
  isObject,
  labelsSchema,
  mustBe,
  nameForMessages,
  shapeOf,
  sourceSchema,
  strict,
  targetSchema,
  valuesSchema,
} from './schemas';
import { describeValue } from './values';
import { z } from 'zod';
import { IBundleSource } from './source';
import { BundleTarget, TargetCustomization, TargetCustomizationMode } from './targeting';
import { Values } from './values';
import { JsonSchema } from './values-schema';

export type { JsonSchema, JsonSchemaType } from './values-schema';

const BUNDLE = Symbol.for('fleetwright.Bundle');

/** A bundle, as other constructs refer to it. */
export interface IBundle extends IConstruct {
  /** The bundle's name (unique in the fleet, a DNS-1123 label). */
  readonly bundleName: string;
}

/** Properties of a {@link Bundle}. */
export interface BundleProps {
  /**
   * The bundle's name: a DNS-1123 label, unique in the fleet. It names the bundle's output file and
   * labels every object it deploys.
   *
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Where the objects come from. More can be added with `addSource()`.
   *
   * @default []
   */
  readonly sources?: readonly IBundleSource[];
  /**
   * Namespace for namespaced objects that do not set one (Fleet's `defaultNamespace`).
   *
   * @default "default"
   */
  readonly defaultNamespace?: string;
  /**
   * Forces every namespaced object into this namespace (Fleet's `namespace`). A cluster-scoped
   * object in such a bundle is an error.
   *
   * @default - objects keep their own namespace
   */
  readonly namespace?: string;
  /**
   * The bundle's own labels (metadata of the bundle, not added to its objects).
   *
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Bundles that must be deployed on a cluster before this one, by object or by name.
   *
   * @default []
   */
  readonly dependsOn?: readonly (IBundle | string)[];
  /**
   * The bundle's default values: the lowest layer of effective values.
   *
   * @default {}
   */
  readonly values?: Values;
  /**
   * JSON Schema (draft-07) of the bundle's effective values. Every cluster's merged values are
   * checked against it before the bundle is rendered for that cluster; each violation is an error
   * naming the cluster, the value's path and the layer that set it. `fleetwright explain` shows
   * each value's `description`. Defaults in the schema are documentation: they are not applied.
   *
   * @default - values are not checked
   */
  readonly valuesSchema?: JsonSchema;
  /**
   * Where the bundle goes: the first matching entry wins. Required: a bundle without targets is an
   * error (Fleet would silently use the `default` cluster group).
   *
   * @default - none, which is reported as an error
   */
  readonly targets?: readonly BundleTarget[];
  /**
   * How the bundle is configured on the clusters it goes to. Never widens `targets`.
   *
   * @default []
   */
  readonly targetCustomizations?: readonly TargetCustomization[];
  /**
   * Whether only the first or every matching customization applies.
   *
   * @default TargetCustomizationMode.FIRST_MATCH
   */
  readonly targetCustomizationMode?: TargetCustomizationMode;
}

/**
 * A set of Kubernetes objects deployed together to the clusters its targets select.
 *
 * @example
 * new Bundle(fleet, 'web', {
 *   defaultNamespace: 'web',
 *   sources: [Source.chart((chart, ctx) => new kplus.Deployment(chart, 'app', { replicas: valueAt(ctx.values, 'replicas', 1) }))],
 *   targets: [{ clusterSelector: {} }],
 * });
 */
export class Bundle extends Construct implements IBundle {
  /** Whether `x` is a {@link Bundle}. */
  public static isBundle(x: unknown): x is Bundle {
    return typeof x === 'object' && x !== null && BUNDLE in x;
  }

  public readonly bundleName: string;
  /** Namespace for namespaced objects that set none. */
  public readonly defaultNamespace: string;
  /** Forced namespace, if any. */
  public readonly namespace?: string;
  /** The bundle's labels. */
  public readonly labels: Readonly<Record<string, string>>;
  /** Default values. */
  public readonly values: Values;
  /** JSON Schema of the effective values, if any. */
  public readonly valuesSchema?: JsonSchema;
  /** Targets, in order. */
  public readonly targets: readonly BundleTarget[];
  /** Customizations, in order. */
  public readonly targetCustomizations: readonly TargetCustomization[];
  /** Customization mode. */
  public readonly targetCustomizationMode: TargetCustomizationMode;
  private readonly _sources: IBundleSource[];
  private readonly _dependsOn: (IBundle | string)[];

  /**
   * The props are checked at runtime (for fleets written in JavaScript or built from data): problems
   * are reported by validation with every other problem of the fleet, and a bundle with invalid
   * props goes nowhere (its targets are dropped), so a mistyped selector never widens where it goes.
   *
   * @param scope the fleet, or any construct inside it
   * @param id construct id; the default name
   * @param props the bundle's properties
   */
  constructor(scope: Construct, id: string, props: BundleProps = {}) {
    super(scope, id);
    Object.defineProperty(this, BUNDLE, { value: true });
    const { props: p, invalid } = checkProps<BundleProps>(this, `bundle '${nameForMessages(props, 'name', id)}'`, bundlePropsSchema, props);
    this.bundleName = p.name ?? id;
    this.defaultNamespace = p.defaultNamespace ?? 'default';
    this.namespace = p.namespace;
    this.labels = { ...(p.labels ?? {}) };
    this.values = p.values ?? {};
    this.valuesSchema = p.valuesSchema;
    this.targets = invalid.size > 0 ? [] : [...(p.targets ?? [])];
    this.targetCustomizations = [...(p.targetCustomizations ?? [])];
    this.targetCustomizationMode = p.targetCustomizationMode ?? TargetCustomizationMode.FIRST_MATCH;
    this._sources = [...(p.sources ?? [])];
    this._dependsOn = [...(p.dependsOn ?? [])];
  }

  /** The sources (a copy). */
  public get sources(): IBundleSource[] {
    return [...this._sources];
  }

  /** Names of the bundles this one depends on, sorted. */
  public get dependsOn(): string[] {
    return [...new Set(this._dependsOn.map((d) => (typeof d === 'string' ? d : d.bundleName)))].sort();
  }

  /** Adds a source of objects. */
  public addSource(source: IBundleSource): void {
    this._sources.push(source);
  }

  /** Adds a bundle this one depends on. */
  public addDependency(bundle: IBundle | string): void {
    this._dependsOn.push(bundle);
  }
}

const MODES = Object.values(TargetCustomizationMode) as [TargetCustomizationMode, ...TargetCustomizationMode[]];

/** The runtime schema of {@link BundleProps}. @internal */
export const bundlePropsSchema = strict(
  shapeOf<BundleProps>()({
    name: dnsLabel('a bundle name', 'web').optional(),
    sources: z.array(sourceSchema, err(mustBe('a list of sources such as [Source.yaml(dir)]'))).optional(),
    defaultNamespace: dnsLabel('a namespace', 'web').optional(),
    namespace: dnsLabel('a namespace', 'web').optional(),
    labels: labelsSchema('label').optional(),
    dependsOn: z.array(dependencySchema, err(mustBe("a list of bundles or bundle names such as ['web']"))).optional(),
    values: valuesSchema.optional(),
    targets: z
      .array(targetSchema, err(mustBe('a list of targets', 'e.g. targets: [{ clusterSelector: {} }] for every cluster')))
      .optional(),
    targetCustomizations: z.array(customizationSchema, err(mustBe('a list of target customizations'))).optional(),
    targetCustomizationMode: z
      .enum(
        MODES,
        err(
          mustBe("TargetCustomizationMode.FIRST_MATCH ('FirstMatch') or TargetCustomizationMode.ALL_MATCHES ('AllMatches')", (input) => {
            const near =
              typeof input === 'string' ? MODES.find((m) => m.toLowerCase() === input.toLowerCase().replace(/[\s_-]/g, '')) : undefined;
            return near ? `write '${near}'` : 'use one of them';
          }),
        ),
      )
      .optional(),
    // Added by the JSON Schema check of bundle values; any JSON Schema object is accepted here.
    valuesSchema: custom<Record<string, unknown>>((v) =>
      isObject(v) ? undefined : `is ${describeValue(v)}, but must be a JSON Schema object such as { type: 'object' }`,
    ).optional(),
  }),
  'a bundle',
  "the bundle's properties, an object such as { sources: [Source.yaml(dir)], targets: [{ clusterSelector: {} }] }",
);
