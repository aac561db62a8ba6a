import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
export { localKubeconfigDir, shardStackName, stackName, stateDir } from '../project/paths';
import { ConfigMap, EngineEvent, LocalWorkspace, OpType, PulumiCommand, Stack, Workspace } from '@pulumi/pulumi/automation';
import { Fleet } from '../model/fleet';
import { KubeconfigKind } from '../model/kubeconfig';
import { rolloutPlan } from '../model/placement';
import { LocalFleetMode, readState } from '../dev/local-fleet';
import { localKubeconfigDir, shardStackName, stackName, stateDir } from '../project/paths';
import { ResourceError, resourceDiagnostic, resourceError } from './events';
import { fleetStackExports } from './program';
import { pulumiProject } from './project';

/** Settings of Pulumi's DIY backend that matter for large stacks. */
export const DIY_BACKEND_SETTINGS: Readonly<Record<string, string>> = {
  PULUMI_DIY_BACKEND_DISABLE_CHECKPOINT_BACKUPS: 'true',
  PULUMI_DIY_BACKEND_GZIP: 'true',
};

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
  // The DIY backend (file://, postgres://, s3://, …) rewrites a stack's whole checkpoint after every
  // step: skip the backup copy it writes each time, and store it compressed (BENCHMARKS.md
  // "Large regions"). A value the user set wins.
  for (const [k, v] of Object.entries(DIY_BACKEND_SETTINGS)) if (process.env[k] === undefined) env[k] = v;
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
 * The environment of the engines fleetwright runs: {@link pulumiEnv}, with Pulumi's per-step
 * checkpoints skipped unless the user set `PULUMI_SKIP_CHECKPOINTS`. The state is then written once,
 * when a run ends; each run is recorded on its stack while it is in flight (deploy/journal.ts), so
 * that the next run repairs the state of one that was killed outright. Not for plain `pulumi`
 * (`fleetwright env`): the runs it starts are not recorded.
 */
export function engineEnv(root: string): Record<string, string> {
  const env = pulumiEnv(root);
  if (process.env.PULUMI_SKIP_CHECKPOINTS === undefined) env.PULUMI_SKIP_CHECKPOINTS = 'true';
  return env;
}

/**
 * Writes the config of a local-fleet stack (`stacks/Pulumi.local-<region>.yaml`, git-ignored),
 * pointing at the local fleet's kubeconfigs. Keeps the encryption salt Pulumi wrote, as long as the
 * file was written for the same passphrase (recorded as a short hash).
 */
export function writeLocalStackConfig(root: string, region: string, extra: Record<string, string> = {}, shard = 0): void {
  const file = path.join(root, 'stacks', `Pulumi.${shardStackName(region, shard, true)}.yaml`);
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
  // Unchanged config is not rewritten, and a change lands at once (rename): a run in progress on the
  // same stack may be reading the file.
  const content = lines.join('\n');
  if (content === old) return;
  const tmp = `${file}.${process.pid}.tmp`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
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
  /**
   * The shard of a sharded region: opens `<region>.<index>` and records in its config which shard
   * it is and how many the region has (`fleetwright:shard`, `fleetwright:shards`).
   *
   * @default - the region stack
   */
  readonly shard?: { readonly index: number; readonly of: number };
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

let pulumiCli: Promise<PulumiCommand> | undefined;

/**
 * Opens (creating if needed) a region's stack. In a fleet project (a Pulumi.yaml with a program
 * and no `--fleet`), the project's own program runs, exactly as `pulumi up -s <stack>` runs it, so
 * both drive the same stacks and nothing the program adds besides the fleet is lost. With
 * `--fleet`, the fleet program runs inline in this process.
 */
export async function openStack(opts: OpenStackOptions): Promise<Stack> {
  // One version check of the Pulumi CLI per command, not one per stack.
  const pulumiCommand = await (pulumiCli ??= PulumiCommand.get().catch((e: unknown) => {
    pulumiCli = undefined;
    throw e;
  }));
  ignoreTerminatingMonitor();
  const index = opts.shard?.index ?? 0;
  const name = shardStackName(opts.region, index, opts.local);
  const shardConfig: Record<string, string> =
    opts.shard && index > 0 ? { 'fleetwright:shard': String(index), 'fleetwright:shards': String(opts.shard.of) } : {};
  if (opts.local) {
    // API servers without controllers never make workloads Ready: do not wait for them.
    const light = readState({ dir: path.join(stateDir(opts.root), 'dev') })?.mode === LocalFleetMode.LIGHT;
    writeLocalStackConfig(opts.root, opts.region, { ...(light ? { 'fleetwright:skipAwait': 'true' } : {}), ...shardConfig }, index);
  }
  const project = pulumiProject(opts.root);
  const options = { workDir: opts.root, envVars: engineEnv(opts.root), pulumiCommand };
  const stack =
    !opts.fleet && project?.main
      ? await LocalWorkspace.createOrSelectStack({ stackName: name, workDir: opts.root }, options)
      : await LocalWorkspace.createOrSelectStack(
          {
            stackName: name,
            projectName: project?.name ?? 'fleetwright',
            program: async () => fleetStackExports({ fleet: opts.fleet?.(), root: opts.root }),
          },
          options,
        );
  if (!opts.local && index > 0)
    await inheritRegionConfig(stack, stackName(opts.region, false), { ...shardConfig, 'fleetwright:region': opts.region });
  return stack;
}

/** The region stacks' config, read once per command for all of a region's shards (in memory only). */
const regionConfigs = new Map<string, Promise<ConfigMap>>();

function regionConfig(ws: Workspace, regionStack: string): Promise<ConfigMap> {
  const key = `${ws.workDir}\u0000${regionStack}`;
  let config = regionConfigs.get(key);
  if (!config) {
    config = ws.listStacks().then((all) => (all.some((s) => s.name.split('/').pop() === regionStack) ? ws.getAllConfig(regionStack) : {}));
    regionConfigs.set(key, config);
  }
  return config;
}

/**
 * A shard stack's config is its region stack's (where users set kubeconfigs and settings), plus
 * its shard: copied before every run, secrets re-encrypted for the shard, and written only when
 * something changed (so an unchanged config file is not rewritten).
 */
async function inheritRegionConfig(stack: Stack, regionStack: string, extra: Record<string, string>): Promise<void> {
  const inherited = await regionConfig(stack.workspace, regionStack);
  const wanted: Record<string, { value: string; secret?: boolean }> = { ...inherited };
  for (const [k, v] of Object.entries(extra)) wanted[k] = { value: v };
  const current = await stack.getAllConfig();
  const same = (a: { value: string; secret?: boolean } | undefined, b: { value: string; secret?: boolean }): boolean =>
    a !== undefined && a.value === b.value && !!a.secret === !!b.secret;
  const changed = Object.entries(wanted).filter(([k, v]) => !same(current[k], v));
  const stale = Object.keys(current).filter((k) => !(k in wanted));
  if (changed.length > 0) await stack.setAllConfig(Object.fromEntries(changed));
  if (stale.length > 0) await stack.removeAllConfig(stale);
}

/** A resource operation that failed, attributed to its cluster and bundle. */
export type FailedStep = ResourceError;

/** What changed, per operation, and what failed. */
export interface RunReport {
  /** Number of resources per operation. */
  readonly changes: Partial<Record<OpType, number>>;
  /** Failed resources. */
  readonly failures: readonly FailedStep[];
  /**
   * Warnings about resources (they often carry the cause of a failure).
   *
   * @default []
   */
  readonly warnings?: readonly FailedStep[];
}

/** Collects engine events into a {@link RunReport}. */
export class EventCollector {
  private readonly changes: Partial<Record<OpType, number>> = {};
  private readonly failures: FailedStep[] = [];
  private readonly warnings: FailedStep[] = [];

  /** Feed every engine event here. */
  public readonly onEvent = (e: EngineEvent): void => {
    if (e.resOutputsEvent && e.resOutputsEvent.metadata.type !== 'pulumi:pulumi:Stack') {
      const op = e.resOutputsEvent.metadata.op;
      this.changes[op] = (this.changes[op] ?? 0) + 1;
    }
    const error = resourceError(e);
    if (error) this.failures.push(error);
    const warning = resourceDiagnostic(e, 'warning');
    if (warning) this.warnings.push(warning);
  };

  /** The report so far. */
  public get report(): RunReport {
    return { changes: { ...this.changes }, failures: [...this.failures], warnings: [...this.warnings] };
  }
}

/** What a failure message needs to say how to fix it. */
export interface FailureContext {
  /** The stack. */
  readonly stack: string;
  /** The command that reruns the deployment (`npx fleetwright up --region R --local`). */
  readonly rerun: string;
  /** Whether the stack is the local fleet's (its kubeconfigs live in `.fleetwright/dev/kubeconfigs`). */
  readonly local: boolean;
  /**
   * The local fleet's kubeconfig folder.
   *
   * @default - `localKubeconfigDir(projectRoot)`
   */
  readonly kubeconfigDir?: string;
}

/** Kinds of failure fleetwright can give a precise fix for. */
export enum FailureKind {
  /** The API server rejected the credentials: an expired or wrong kubeconfig. */
  CREDENTIALS = 'credentials',
  /** The API server could not be reached, or went away during the run. */
  UNREACHABLE = 'unreachable',
  /** An object was applied but did not become Ready in time. */
  NOT_READY = 'not-ready',
  /** Another field manager owns a field the fleet sets. */
  CONFLICT = 'conflict',
  /** Anything else. */
  OTHER = 'other',
}

/** Classifies an engine or provider error message. */
export function failureKind(message: string): FailureKind {
  if (
    /Unauthorized|provide credentials|\b401\b|forbidden|\b403\b|x509|certificate (has expired|is not yet valid|signed by unknown)|token (is )?(expired|invalid)|invalid bearer token|authentication required/i.test(
      message,
    )
  ) {
    return FailureKind.CREDENTIALS;
  }
  if (
    /unreachable|connection refused|connection reset|no such host|no route to host|i\/o timeout|\bEOF\b|context deadline exceeded|dial tcp|TLS handshake timeout|server is currently unable|ServiceUnavailable|client connection lost|http2: .*closed|broken pipe|watch .*closed|the server was unable to return a response|etcdserver|apiserver not ready/i.test(
      message,
    )
  ) {
    return FailureKind.UNREACHABLE;
  }
  if (/conflict/i.test(message)) return FailureKind.CONFLICT;
  if (/failed to (fully initialize|become live|become ready)|timed out waiting|Timeout occurred|not (yet )?ready/i.test(message)) {
    return FailureKind.NOT_READY;
  }
  return FailureKind.OTHER;
}

/** Where a cluster's kubeconfig comes from and how to replace it, for messages (never its contents). */
function kubeconfigFix(fleet: Fleet, cluster: string, ctx: FailureContext): string {
  const c = fleet.clusters.find((x) => x.clusterName === cluster);
  switch (c?.kubeconfig.kind) {
    case KubeconfigKind.FILE:
      return `replace the file ${c.kubeconfig.reference} (Kubeconfig.fromFile)`;
    case KubeconfigKind.ENV:
      return `set the environment variable ${c.kubeconfig.reference} to a valid kubeconfig (Kubeconfig.fromEnv)`;
    default:
      return ctx.local
        ? `replace ${path.relative(process.cwd(), path.join(ctx.kubeconfigDir ?? localKubeconfigDir(process.cwd()), `${cluster}.kubeconfig`)) || '.'} ` +
            `(the local fleet's kubeconfig of ${cluster}; \`npx fleetwright dev status\` shows the clusters)`
        : `set it with \`pulumi config set --secret --path 'fleetwright:kubeconfigs.${cluster}' "$(cat ${cluster}.kubeconfig)" --stack ${ctx.stack}\` ` +
            `(or replace ${cluster}.kubeconfig in the folder fleetwright:kubeconfigDir names)`;
  }
}

/** What to do about a cluster's failure, as one sentence. */
export function failureFix(fleet: Fleet, cluster: string, message: string, ctx: FailureContext): string {
  switch (failureKind(message)) {
    case FailureKind.CREDENTIALS:
      return (
        `the API server of ${cluster} rejected the credentials in its kubeconfig (expired or wrong). ` +
        `Give ${cluster} a valid kubeconfig: ${kubeconfigFix(fleet, cluster, ctx)}; then rerun \`${ctx.rerun}\`.`
      );
    case FailureKind.UNREACHABLE:
      return (
        `the API server of ${cluster} could not be reached, or went away while fleetwright was using it. ` +
        `Check that it is up and reachable${ctx.local ? ' (`npx fleetwright dev status`; `npx fleetwright dev up` restarts a stopped local cluster)' : ''}, ` +
        `then rerun \`${ctx.rerun}\`: what was applied is kept and the rerun carries on from there.`
      );
    case FailureKind.NOT_READY:
      return (
        `an object on ${cluster} was applied but did not become Ready in time (fleetwright:readyTimeout, default 10m). ` +
        `Look at it on the cluster (kubectl describe / events), fix the cause, then rerun \`${ctx.rerun}\`.`
      );
    case FailureKind.CONFLICT:
      return (
        `another tool owns a field the fleet sets on ${cluster}. \`npx fleetwright preview --refresh${ctx.local ? ' --local' : ''}\` ` +
        `names the field and its manager; hand the field back (or remove that tool's change), then rerun \`${ctx.rerun}\`.`
      );
    default:
      return `fix the cause above, then rerun \`${ctx.rerun}\`.`;
  }
}

/**
 * The failures, one line each, then one line per cluster saying what to do (when `ctx` is given).
 */
export function describeFailures(
  fleet: Fleet,
  failures: readonly FailedStep[],
  ctx?: FailureContext,
  warnings: readonly FailedStep[] = [],
): string[] {
  const lines = failures.map((f) => `  - ${f.resource}: ${f.message.split('\n')[0]}`);
  if (!ctx) return lines;
  const clusters = new Set(failures.map((f) => f.cluster));
  const known = new Set(fleet.clusters.map((c) => c.clusterName));
  if ([...clusters].some((c) => !known.has(c))) lines.push(`what to do: fix the cause above, then rerun \`${ctx.rerun}\`.`);
  // The most specific cause wins: credentials, then reachability, then the rest.
  const order = [FailureKind.CREDENTIALS, FailureKind.UNREACHABLE, FailureKind.CONFLICT, FailureKind.NOT_READY, FailureKind.OTHER];
  for (const c of [...clusters].filter((x) => known.has(x)).sort()) {
    const messages = failures.filter((f) => f.cluster === c).map((f) => f.message);
    // The cause may be in a warning about the same cluster (the error being generic).
    const causes = [...messages, ...warnings.filter((w) => w.cluster === c).map((w) => w.message)];
    const message = [...causes].sort((a, b) => order.indexOf(failureKind(a)) - order.indexOf(failureKind(b)))[0] ?? '';
    lines.push(`what to do about ${c}: ${failureFix(fleet, c, message, ctx)}`);
    // The provider suggests PULUMI_K8S_DELETE_UNREACHABLE for any unreachable cluster: it forgets the objects.
    if (messages.some((m) => m.includes('PULUMI_K8S_DELETE_UNREACHABLE'))) {
      const kind = failureKind(message);
      if (kind === FailureKind.CREDENTIALS) {
        lines.push(
          `  do not set PULUMI_K8S_DELETE_UNREACHABLE: ${c} answered (it rejected the credentials), so it exists, and that setting ` +
            'would drop its objects from the state while they stay on the cluster, untracked.',
        );
      } else {
        lines.push(
          `  set PULUMI_K8S_DELETE_UNREACHABLE only if ${c} was deleted for good: it drops ${c}'s objects from the state ` +
            'without touching the cluster, so on a cluster that comes back they would stay, untracked.',
        );
      }
    }
  }
  return lines;
}

/**
 * Explains a failed rollout in fleet terms: which partition failed on which clusters and objects,
 * what to do about each cluster, and which later partitions were not touched.
 */
export function explainFailure(fleet: Fleet, region: string, report: RunReport, ctx?: FailureContext): string {
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
  lines.push(...describeFailures(fleet, report.failures, ctx, report.warnings));
  const later = failedIndex >= 0 ? plan.partitions.slice(failedIndex + 1) : [];
  if (later.length > 0) {
    lines.push(`later partitions were not touched: ${later.map((p) => `${p.name} (${p.waves.flat().join(', ')})`).join('; ')}`);
  }
  return lines.join('\n');
}
