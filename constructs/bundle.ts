import { Construct, IConstruct } from 'constructs';
import { FleetDirectoryOptions, fleetDirectoryProps } from './fleet-dir';
import { IBundleSource } from './sources';
import { BundleTarget, TargetCustomization, TargetCustomizationMode } from './targeting';
import { Values } from './values';

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
    return new Bundle(scope, id, fleetDirectoryProps(dir, options));
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
  /** Targets, in order. */
  public readonly targets: readonly BundleTarget[];
  /** Customizations, in order. */
  public readonly targetCustomizations: readonly TargetCustomization[];
  /** Customization mode. */
  public readonly targetCustomizationMode: TargetCustomizationMode;
  private readonly _sources: IBundleSource[];
  private readonly _dependsOn: (IBundle | string)[];

  /**
   * @param scope the fleet, or any construct inside it
   * @param id construct id; the default name
   * @param props the bundle's properties
   */
  constructor(scope: Construct, id: string, props: BundleProps = {}) {
    super(scope, id);
    Object.defineProperty(this, BUNDLE, { value: true });
    this.bundleName = props.name ?? id;
    this.defaultNamespace = props.defaultNamespace ?? 'default';
    this.namespace = props.namespace;
    this.labels = { ...(props.labels ?? {}) };
    this.values = props.values ?? {};
    this.targets = [...(props.targets ?? [])];
    this.targetCustomizations = [...(props.targetCustomizations ?? [])];
    this.targetCustomizationMode = props.targetCustomizationMode ?? TargetCustomizationMode.FIRST_MATCH;
    this._sources = [...(props.sources ?? [])];
    this._dependsOn = [...(props.dependsOn ?? [])];
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
