import * as fs from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { KubeconfigKind } from '../model/kubeconfig';
import { registerKubeconfig } from '../model/redaction';
import { SynthesizedCluster } from '../synth/synth';

function secretKubeconfig(content: string): pulumi.Output<string> {
  registerKubeconfig(content);
  return pulumi.secret(content);
}

/** Where stack config says kubeconfigs are. */
export interface KubeconfigSources {
  /** `fleetwright:kubeconfigs`: cluster name → kubeconfig YAML, a secret. */
  readonly secrets?: pulumi.Output<Record<string, string>>;
  /** Names present in `fleetwright:kubeconfigs` (known without decrypting values). */
  readonly secretNames: readonly string[];
  /** `fleetwright:kubeconfigDir`: a folder of `<cluster>.kubeconfig` files. */
  readonly dir?: string;
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
  const readFile = (cluster: string, file: string, how: string): void => {
    if (fs.existsSync(file)) out[cluster] = secretKubeconfig(fs.readFileSync(file, 'utf8'));
    else missing.push(`cluster '${cluster}': kubeconfig file ${file} does not exist (${how})`);
  };
  for (const c of clusters) {
    switch (c.kubeconfig.kind) {
      case KubeconfigKind.STACK_CONFIG:
        if (sources.secrets && sources.secretNames.includes(c.name)) {
          out[c.name] = sources.secrets.apply((all) => {
            registerKubeconfig(all[c.name]);
            return all[c.name];
          });
        } else if (sources.dir) {
          readFile(
            c.name,
            path.join(sources.dir, `${c.name}.kubeconfig`),
            'from fleetwright:kubeconfigDir; run `npx fleetwright dev up` for the local fleet',
          );
        } else {
          missing.push(
            `cluster '${c.name}': no kubeconfig in the stack config; set it with \`pulumi config set --secret --path 'fleetwright:kubeconfigs.${c.name}' "$(cat kubeconfig)"\` or set fleetwright:kubeconfigDir`,
          );
        }
        break;
      case KubeconfigKind.FILE:
        readFile(c.name, path.resolve(c.kubeconfig.reference), 'from Kubeconfig.fromFile()');
        break;
      case KubeconfigKind.ENV: {
        const value = process.env[c.kubeconfig.reference];
        if (value) out[c.name] = secretKubeconfig(value);
        else missing.push(`cluster '${c.name}': environment variable ${c.kubeconfig.reference} is not set (Kubeconfig.fromEnv())`);
        break;
      }
      default: {
        const unreachable: never = c.kubeconfig.kind;
        throw new Error(`unknown kubeconfig kind '${String(unreachable)}'`);
      }
    }
  }
  if (missing.length > 0) {
    throw new Error(
      `${missing.length} cluster${missing.length === 1 ? ' has' : 's have'} no kubeconfig; nothing was deployed:\n${missing.map((m) => `  - ${m}`).join('\n')}`,
    );
  }
  return out;
}
