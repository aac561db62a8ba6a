/** Where a kubeconfig comes from. */
export enum KubeconfigKind {
  /** The stack's Pulumi config: a secret in `fleetwright:kubeconfigs`, or a file under `fleetwright:kubeconfigDir`. */
  STACK_CONFIG = 'stack-config',
  /** A kubeconfig file on the deploying machine. */
  FILE = 'file',
  /** An environment variable holding the kubeconfig's contents. */
  ENV = 'env',
}

/**
 * A reference to a cluster's kubeconfig: never the kubeconfig itself, so a fleet definition holds
 * no credentials and synthesis needs none. The deploy layer resolves it, as a Pulumi secret.
 *
 * @example
 * new Cluster(fleet, 'edge-us-west-1', { region: 'us-west', kubeconfig: Kubeconfig.fromStackConfig() });
 */
export class Kubeconfig {
  /**
   * Read from the stack's config at deploy time: the cluster's entry of the secret object
   * `fleetwright:kubeconfigs`, or else `<fleetwright:kubeconfigDir>/<cluster>.kubeconfig`.
   */
  public static fromStackConfig(): Kubeconfig {
    return new Kubeconfig(KubeconfigKind.STACK_CONFIG, '');
  }

  /**
   * Read from a file on the deploying machine.
   *
   * @param path absolute, or relative to the working directory of the deploy
   */
  public static fromFile(path: string): Kubeconfig {
    return new Kubeconfig(KubeconfigKind.FILE, path);
  }

  /**
   * Read from an environment variable holding the kubeconfig's YAML.
   *
   * @param variable the variable's name
   */
  public static fromEnv(variable: string): Kubeconfig {
    return new Kubeconfig(KubeconfigKind.ENV, variable);
  }

  private constructor(
    /** Where the kubeconfig comes from. */
    public readonly kind: KubeconfigKind,
    /** The file path or variable name; '' for stack config. */
    public readonly reference: string,
  ) {}

  /** A description safe to print: `stack config`, `file ./x.kubeconfig`, `env KUBECONFIG_X`. */
  public describe(): string {
    switch (this.kind) {
      case KubeconfigKind.STACK_CONFIG:
        return 'stack config';
      case KubeconfigKind.FILE:
        return `file ${this.reference}`;
      case KubeconfigKind.ENV:
        return `env ${this.reference}`;
      default: {
        const unreachable: never = this.kind;
        throw new Error(`unknown kubeconfig kind '${String(unreachable)}'`);
      }
    }
  }
}
