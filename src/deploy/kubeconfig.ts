import * as fs from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { KubeconfigKind } from '../model/kubeconfig';
import { registerKubeconfig } from '../model/redaction';
import { SynthesizedCluster } from '../synth/synth';

/** Where stack config says kubeconfigs are. */
export interface KubeconfigSources {
  /** `fleetwright:kubeconfigs`: cluster name → kubeconfig YAML, a secret. */
  readonly secrets?: pulumi.Output<Record<string, string>>;
  /** Names present in `fleetwright:kubeconfigs` (known without decrypting values). */
  readonly secretNames: readonly string[];
  /** `fleetwright:kubeconfigDir`: a folder of `<cluster>.kubeconfig` files. */
  readonly dir?: string;
}

/** Where one cluster's kubeconfig comes from. */
type KubeconfigLocation =
  | { readonly kind: 'secret' }
  | { readonly kind: 'file'; readonly file: string }
  | { readonly kind: 'env'; readonly value: string }
  | { readonly kind: 'missing'; readonly problem: string };

function locate(c: SynthesizedCluster, sources: Omit<KubeconfigSources, 'secrets'>): KubeconfigLocation {
  const file = (f: string, how: string): KubeconfigLocation =>
    fs.existsSync(f)
      ? { kind: 'file', file: f }
      : { kind: 'missing', problem: `cluster '${c.name}': kubeconfig file ${f} does not exist (${how})` };
  switch (c.kubeconfig.kind) {
    case KubeconfigKind.STACK_CONFIG:
      if (sources.secretNames.includes(c.name)) return { kind: 'secret' };
      if (sources.dir) {
        return file(
          path.join(sources.dir, `${c.name}.kubeconfig`),
          'from fleetwright:kubeconfigDir; run `npx fleetwright dev up` for the local fleet',
        );
      }
      return {
        kind: 'missing',
        problem: `cluster '${c.name}': no kubeconfig in the stack config; set it with \`pulumi config set --secret --path 'fleetwright:kubeconfigs.${c.name}' "$(cat kubeconfig)"\` or set fleetwright:kubeconfigDir`,
      };
    case KubeconfigKind.FILE:
      return file(path.resolve(c.kubeconfig.reference), 'from Kubeconfig.fromFile()');
    case KubeconfigKind.ENV: {
      const value = process.env[c.kubeconfig.reference];
      return value
        ? { kind: 'env', value }
        : {
            kind: 'missing',
            problem: `cluster '${c.name}': environment variable ${c.kubeconfig.reference} is not set (Kubeconfig.fromEnv())`,
          };
    }
    default: {
      const unreachable: never = c.kubeconfig.kind;
      throw new Error(`unknown kubeconfig kind '${String(unreachable)}'`);
    }
  }
}

function missingError(problems: readonly string[], consequence: string): Error {
  return new Error(
    `${problems.length} cluster${problems.length === 1 ? ' has' : 's have'} no kubeconfig; ${consequence}:\n${problems.map((m) => `  - ${m}`).join('\n')}`,
  );
}

/**
 * Resolves every cluster's kubeconfig as a Pulumi secret, or reports every cluster whose
 * kubeconfig cannot be found, at once, before anything is deployed.
 *
 * @throws Error listing each cluster without a kubeconfig and how to provide one
 */
export function resolveKubeconfigs(
  clusters: readonly SynthesizedCluster[],
  sources: KubeconfigSources,
): Record<string, pulumi.Output<string>> {
  const out: Record<string, pulumi.Output<string>> = {};
  const missing: string[] = [];
  for (const c of clusters) {
    const where = locate(c, sources.secrets ? sources : { ...sources, secretNames: [] });
    if (where.kind === 'secret' && sources.secrets) {
      out[c.name] = sources.secrets.apply((all) => {
        registerKubeconfig(all[c.name]);
        return all[c.name];
      });
    } else if (where.kind === 'file' || where.kind === 'env') {
      const content = where.kind === 'file' ? fs.readFileSync(where.file, 'utf8') : where.value;
      registerKubeconfig(content);
      out[c.name] = pulumi.secret(content);
    } else if (where.kind === 'missing') {
      missing.push(where.problem);
    }
  }
  if (missing.length > 0) throw missingError(missing, 'nothing was deployed');
  return out;
}

/**
 * Every cluster's kubeconfig as text, outside a Pulumi program (for reading the clusters), from the
 * same places as {@link resolveKubeconfigs}; `secrets` are the decrypted `fleetwright:kubeconfigs`.
 * Each is registered for redaction before it is returned.
 *
 * @throws Error listing each cluster without a kubeconfig and how to provide one
 */
export function readKubeconfigs(
  clusters: readonly SynthesizedCluster[],
  sources: { readonly secrets?: Readonly<Record<string, string>>; readonly dir?: string },
): Record<string, string> {
  const out: Record<string, string> = {};
  const missing: string[] = [];
  for (const c of clusters) {
    const where = locate(c, { secretNames: Object.keys(sources.secrets ?? {}), dir: sources.dir });
    if (where.kind === 'missing') missing.push(where.problem);
    else
      out[c.name] =
        where.kind === 'secret'
          ? (sources.secrets ?? {})[c.name]
          : where.kind === 'file'
            ? fs.readFileSync(where.file, 'utf8')
            : where.value;
    registerKubeconfig(out[c.name]);
  }
  if (missing.length > 0) throw missingError(missing, 'their status cannot be read');
  return out;
}

/**
 * Where a stack's config says kubeconfigs are, for reading the clusters outside a Pulumi program:
 * the decrypted `fleetwright:kubeconfigs` and `fleetwright:kubeconfigDir` (relative to `root`).
 *
 * @param config the stack's config with secrets decrypted (`stack.getAllConfig()`)
 * @param root the project root
 */
export function kubeconfigSourcesOf(
  config: Readonly<Record<string, { readonly value: string }>>,
  root: string,
): { secrets?: Record<string, string>; dir?: string } {
  const dir = config['fleetwright:kubeconfigDir']?.value;
  const secrets = config['fleetwright:kubeconfigs']?.value;
  return {
    dir: dir === undefined ? undefined : path.resolve(root, dir),
    secrets: secrets === undefined ? undefined : (JSON.parse(secrets) as Record<string, string>),
  };
}
