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
