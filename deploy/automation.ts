import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
export { localKubeconfigDir, stackName, stateDir } from './paths';
import { EngineEvent, LocalWorkspace, OpType, Stack } from '@pulumi/pulumi/automation';
import { Fleet, rolloutPlan } from '../constructs';
import { LocalFleetMode, readState } from '../dev/local-fleet';
import { localKubeconfigDir, stackName, stateDir } from './paths';
import { ResourceError, resourceError } from './events';
import { fleetStackExports } from './program';

/**
 * Environment for the Pulumi CLI: offline, a local file backend and a generated passphrase unless
 * the user has set their own.
 */
export function pulumiEnv(root: string): Record<string, string> {
  const state = stateDir(root);
  const env: Record<string, string> = {
    PULUMI_SKIP_UPDATE_CHECK: 'true',
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
    // Use the provider from the plugin cache at its exact version, even if one is on PATH.
    PULUMI_IGNORE_AMBIENT_PLUGINS: 'true',
  };
  if (!process.env.PULUMI_BACKEND_URL && !process.env.PULUMI_ACCESS_TOKEN) {
    fs.mkdirSync(path.join(state, 'pulumi'), { recursive: true });
    env.PULUMI_BACKEND_URL = `file://${path.join(state, 'pulumi')}`;
  }
  if (!process.env.PULUMI_CONFIG_PASSPHRASE && !process.env.PULUMI_CONFIG_PASSPHRASE_FILE) {
    const file = path.join(state, 'passphrase');
    if (!fs.existsSync(file)) {
      fs.mkdirSync(state, { recursive: true });
      fs.writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600 });
    }
    env.PULUMI_CONFIG_PASSPHRASE_FILE = file;
  }
  return env;
}

/**
 * Writes the config of a local-fleet stack (`stacks/Pulumi.local-<region>.yaml`, git-ignored),
 * pointing at the local fleet's kubeconfigs. Keeps the encryption salt Pulumi wrote, as long as the
 * file was written for the same passphrase (recorded as a short hash).
 */
export function writeLocalStackConfig(root: string, region: string, extra: Record<string, string> = {}): void {
  const file = path.join(root, 'stacks', `Pulumi.${stackName(region, true)}.yaml`);
  // The salt belongs to one passphrase: keep it only for the passphrase it was made with.
  const env = pulumiEnv(root);
  const passphrase =
    process.env.PULUMI_CONFIG_PASSPHRASE ??
    fs.readFileSync(process.env.PULUMI_CONFIG_PASSPHRASE_FILE ?? (env.PULUMI_CONFIG_PASSPHRASE_FILE as string), 'utf8');
  const marker = `# passphrase: ${createHash('sha256').update(passphrase).digest('hex').slice(0, 16)}`;
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const salt = old.includes(marker) ? /^encryptionsalt: .*$/m.exec(old)?.[0] : undefined;
  const config = { 'fleetwright:region': region, 'fleetwright:kubeconfigDir': path.relative(root, localKubeconfigDir(root)), ...extra };
  const lines = [
    '# Written by fleetwright for the local fleet; not committed.',
    marker,
    ...(salt ? [salt] : []),
    'config:',
    ...Object.entries(config).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`),
    '',
  ];
  fs.writeFileSync(file, lines.join('\n'));
}

/** Options for opening a region stack. */
export interface OpenStackOptions {
  /** Project root (holds Pulumi.yaml). */
  readonly root: string;
  /** The region. */
  readonly region: string;
  /** Use the local fleet's stack. */
  readonly local: boolean;
  /**
   * The fleet to deploy.
   *
   * @default - from the stack config, else the project's own
   */
  readonly fleet?: () => Fleet;
}

let monitorGuard = false;

/**
 * When the engine stops a run early (a failed preview or update), components of the inline program
 * may still be registering outputs; those calls then reject with "Resource monitor is terminating"
 * after the program's own handlers are gone. They are noise, not failures: ignore exactly those,
 * and let every other unhandled rejection crash the process as usual.
 */
function ignoreTerminatingMonitor(): void {
  if (monitorGuard) return;
  monitorGuard = true;
  process.on('unhandledRejection', (reason) => {
    if (reason instanceof Error && reason.message === 'Resource monitor is terminating') return;
    throw reason;
  });
}

/**
 * Opens (creating if needed) a region's stack with the fleet program inline: the program runs in
 * this process, so no Node.js language host plugin is needed.
 */
export async function openStack(opts: OpenStackOptions): Promise<Stack> {
  ignoreTerminatingMonitor();
  const name = stackName(opts.region, opts.local);
  if (opts.local) {
    // API servers without controllers never make workloads Ready: do not wait for them.
    const light = readState({ dir: path.join(stateDir(opts.root), 'dev') })?.mode === LocalFleetMode.LIGHT;
    writeLocalStackConfig(opts.root, opts.region, light ? { 'fleetwright:skipAwait': 'true' } : {});
  }
  return LocalWorkspace.createOrSelectStack(
    {
      stackName: name,
      projectName: 'fleetwright',
      program: async () => fleetStackExports({ fleet: opts.fleet?.(), root: opts.root }),
    },
    { workDir: opts.root, envVars: pulumiEnv(opts.root) },
  );
}

/** A resource operation that failed, attributed to its cluster and bundle. */
export type FailedStep = ResourceError;

/** What changed, per operation, and what failed. */
export interface RunReport {
  /** Number of resources per operation. */
  readonly changes: Partial<Record<OpType, number>>;
  /** Failed resources. */
  readonly failures: readonly FailedStep[];
}

/** Collects engine events into a {@link RunReport}. */
export class EventCollector {
  private readonly changes: Partial<Record<OpType, number>> = {};
  private readonly failures: FailedStep[] = [];

  /** Feed every engine event here. */
  public readonly onEvent = (e: EngineEvent): void => {
    if (e.resOutputsEvent && e.resOutputsEvent.metadata.type !== 'pulumi:pulumi:Stack') {
      const op = e.resOutputsEvent.metadata.op;
      this.changes[op] = (this.changes[op] ?? 0) + 1;
    }
    const error = resourceError(e);
    if (error) this.failures.push(error);
  };

  /** The report so far. */
  public get report(): RunReport {
    return { changes: { ...this.changes }, failures: [...this.failures] };
  }
}

/**
 * Explains a failed rollout in fleet terms: which partition failed on which clusters and objects,
 * and which later partitions were not touched.
 */
export function explainFailure(fleet: Fleet, region: string, report: RunReport): string {
  const plan = rolloutPlan(fleet, region);
  const clusters = new Set(report.failures.map((f) => f.cluster).filter((c): c is string => !!c));
  const failedIndex = plan.partitions.findIndex((p) => p.waves.flat().some((c) => clusters.has(c)));
  const lines: string[] = [];
  if (failedIndex >= 0) {
    const p = plan.partitions[failedIndex];
    lines.push(`rollout of region '${region}' failed in partition '${p.name}' on cluster(s) ${[...clusters].sort().join(', ')}:`);
  } else {
    lines.push(`deployment of region '${region}' failed:`);
  }
  for (const f of report.failures) lines.push(`  - ${f.resource}: ${f.message.split('\n')[0]}`);
  const later = failedIndex >= 0 ? plan.partitions.slice(failedIndex + 1) : [];
  if (later.length > 0) {
    lines.push(`later partitions were not touched: ${later.map((p) => `${p.name} (${p.waves.flat().join(', ')})`).join('; ')}`);
  }
  return lines.join('\n');
}
