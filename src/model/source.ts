import { KubeObject } from './objects';
import { Values } from './values';

/** What a source renders for: one bundle on one cluster. */
export interface BundleContext {
  /** The cluster being rendered for. */
  readonly cluster: {
    /** Cluster name. */
    readonly name: string;
    /** Cluster region. */
    readonly region: string;
    /** Cluster labels. */
    readonly labels: Readonly<Record<string, string>>;
  };
  /** The bundle's name. */
  readonly bundle: string;
  /** The namespace namespaced objects land in (the bundle's `namespace`, else `defaultNamespace`). */
  readonly namespace: string;
  /** Effective values for this bundle on this cluster (see `explain`). */
  readonly values: Values;
  /**
   * The synthesis run this render belongs to: sources keep what they computed for reuse by other
   * clusters here, never in module globals, so two runs in one process never share stale results.
   *
   * @default - no reuse (each render computes afresh)
   */
  readonly run?: SynthesisRun;
}

/** How many times each external renderer ran in one synthesis. */
export interface RenderStats {
  /** `helm template` runs. */
  helmTemplate: number;
  /** `kustomize build` runs. */
  kustomizeBuild: number;
}

/** The caches and counters of one synthesis run (`synthesizeFleet` makes one per call). */
export class SynthesisRun {
  /** How many times each external renderer ran. */
  public readonly stats: RenderStats = { helmTemplate: 0, kustomizeBuild: 0 };
  private readonly caches = new Map<string, Map<string, unknown>>();
  private readonly states = new WeakMap<object, unknown>();

  /**
   * The state `owner` (a source) keeps during this run, created on first use: files it read,
   * content hashes, results it can reuse for other clusters.
   *
   * @param owner the source the state belongs to
   * @param create makes the state
   */
  public owned<T>(owner: object, create: () => T): T {
    if (!this.states.has(owner)) this.states.set(owner, create());
    return this.states.get(owner) as T;
  }

  /**
   * The value cached under `key` in the cache named `cache`, computed once per run.
   *
   * @param cache the cache's name, e.g. `helm`
   * @param key identifies the input completely (content hashes, values, …)
   * @param compute computes the value on a miss
   */
  public cached<T>(cache: string, key: string, compute: () => T): T {
    let entries = this.caches.get(cache);
    if (!entries) this.caches.set(cache, (entries = new Map()));
    if (entries.has(key)) return entries.get(key) as T;
    const value = compute();
    entries.set(key, value);
    return value;
  }
}

/**
 * A source of Kubernetes objects for a bundle. Built-in sources: {@link Source.chart},
 * {@link Source.yaml}, {@link Source.objects}, {@link Source.helm} and {@link Source.kustomize}.
 */
export interface IBundleSource {
  /** Short description used in messages, e.g. `yaml fleet/bundles/addons`. */
  readonly description: string;
  /**
   * Renders the objects for one cluster. Throws a {@link SourceError} for bad input; the fleet
   * collects it with every other problem.
   */
  render(ctx: BundleContext): KubeObject[];
}

/** Bad source input (a YAML file that does not parse, an object without a kind, …). */
export class SourceError extends Error {
  /**
   * @param subject the file or source the problem is in, e.g. `file fleet/bundles/addons/rules.yaml`
   * @param message what is wrong and how to fix it
   */
  constructor(
    public readonly subject: string,
    message: string,
  ) {
    super(message);
    this.name = 'SourceError';
  }
}
