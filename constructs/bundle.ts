import { Construct, IConstruct } from 'constructs';
import { FleetDirectoryOptions, fleetDirectoryProps } from './fleet-dir';
import { bundlePropsSchema, checkProps, nameForMessages } from './schemas';
import { IBundleSource } from './sources';
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

  /**
   * A bundle read from a Rancher Fleet bundle folder: its `fleet.yaml` (namespaces, labels,
   * `dependsOn`, `helm`, `kustomize.dir`, `yaml.overlays`, `targetCustomizations` with every
   * targeting criterion and `doNotDeploy`, `targetCustomizationMode`, `targets`) and the files Fleet
   * would take as resources, rendered the way Fleet's agent renders them (Helm, then Kustomize, or
   * raw YAML with `overlays/` and `_patch` files).
   *
   * @param scope the fleet, or any construct inside it
   * @param id construct id; the bundle name unless fleet.yaml sets `name`
   * @param dir the bundle folder
   * @param options where the bundle goes when fleet.yaml has no `targets`
   * @throws FleetValidationError listing every problem of the fleet.yaml, with lines
   */
  public static fromFleetDirectory(scope: Construct, id: string, dir: string, options: FleetDirectoryOptions = {}): Bundle {
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { ignored, ...props } = fleetDirectoryProps(dir, options);
    return new Bundle(scope, id, props);
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
