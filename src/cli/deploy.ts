import Table from 'cli-table3';
import { Fleet } from '../model/fleet';
import { redactText } from '../model/redaction';
import type { RunReport } from '../deploy/automation';
import type { FleetStackOutputs } from '../deploy/outputs';
import { hasChanges } from '../diff/compare';
import { DiffFormat, renderDiff } from '../diff/render';
import { projectRoot } from '../project/paths';
import { pulumiProject } from '../deploy/project';

export { projectRoot };
import type { CliIo } from './io';

/** Options shared by up, preview and destroy. */
export interface DeployCommandOptions {
  /** Regions to deploy, in order. */
  readonly regions: readonly string[];
  /** Use the local fleet's stacks. */
  readonly local: boolean;
  /** Loads the fleet (for `--fleet`). */
  readonly fleet: () => Fleet;
  /** Whether `--fleet` was given (else the project's own Pulumi program runs). */
  readonly explicitFleet: boolean;
  /**
   * The project root (holds Pulumi.yaml, stacks/ and .fleetwright/).
   *
   * @default - the nearest folder with a Pulumi.yaml above the working directory
   */
  readonly root?: string;
}

/** Renders stack outputs as a bundle × cluster table of states. */
export function statusTable(outputs: readonly FleetStackOutputs[]): string {
  const clusters = outputs.flatMap((o) => Object.keys(o.clusters)).sort();
  const bundles = [...new Set(outputs.flatMap((o) => Object.keys(o.bundles)))].sort();
  const byCluster = new Map(outputs.flatMap((o) => Object.entries(o.clusters)));
  const table = new Table({ head: ['bundle', ...clusters, 'ready'], style: { head: [], border: [] } });
  for (const b of bundles) {
    const desired = clusters.filter((c) => byCluster.get(c)?.bundles[b]);
    const ready = desired.filter((c) => byCluster.get(c)?.bundles[b]?.state === 'Ready');
    table.push([b, ...clusters.map((c) => byCluster.get(c)?.bundles[b]?.state ?? '-'), `${ready.length}/${desired.length}`]);
  }
  return table.toString();
}

function fleetLoader(opts: DeployCommandOptions): (() => Fleet) | undefined {
  return opts.explicitFleet ? opts.fleet : undefined;
}

/** `--fleet <module> ` as the user gave it (from the command line), for commands printed in messages. */
function fleetArgument(opts: DeployCommandOptions): string {
  if (!opts.explicitFleet) return '';
  const i = process.argv.indexOf('--fleet');
  const eq = process.argv.find((a) => a.startsWith('--fleet='));
  const value = i >= 0 ? process.argv[i + 1] : eq?.slice('--fleet='.length);
  return value ? `--fleet ${value} ` : '';
}

/** The command that reruns `kind` for one region, as the user would type it. */
export function rerunCommand(kind: 'up' | 'destroy', region: string, opts: DeployCommandOptions): string {
  return `npx fleetwright ${fleetArgument(opts)}${kind} --region ${region}${opts.local ? ' --local' : ''}`;
}

/** `3 created, 1 updated, 12 unchanged`, or `no changes (12 unchanged)`. */
function changeSummary(changes: Partial<Record<string, number>> | undefined): string {
  const counts = Object.entries(changes ?? {}).filter(([, n]) => (n ?? 0) > 0);
  const done = counts.filter(([op]) => op !== 'same');
  const same = changes?.same ?? 0;
  const words: Record<string, string> = { create: 'created', update: 'updated', delete: 'deleted', replace: 'replaced' };
  if (done.length === 0) return `no changes (${same} unchanged)`;
  return [...done.map(([op, n]) => `${n} ${words[op] ?? op}`), `${same} unchanged`].join(', ');
}

/**
 * Runs `up` or `destroy` on each region's stack through the Automation API, streaming the engine's
 * output. Before each stack it repairs what an interrupted earlier run left (a stale lock, pending
 * operations) and stops at once if another run holds the stack's lock; on failure it says which
 * partition, clusters and objects failed and what to do. Credentials never reach the output.
 *
 * @returns the exit code
 */
export async function runDeployCommand(
  kind: 'up' | 'destroy',
  opts: DeployCommandOptions & { readonly refresh?: boolean },
  io: CliIo,
): Promise<number> {
  const { openStack, EventCollector, describeFailures, explainFailure, pulumiEnv, localKubeconfigDir } =
    await import('../deploy/automation');
  const { prepareStack, stackLocks, lockedMessage, isLockError, LockHolder } = await import('../deploy/recovery');
  const { registerKubeconfigFiles } = await import('../deploy/redact');
  const root = opts.root ?? projectRoot();
  // Known before anything runs: a recovery refresh talks to the clusters before the program reads them.
  if (opts.local) registerKubeconfigFiles(localKubeconfigDir(root));
  // redactText hides registered secrets and credential-shaped text (constructs/redaction.ts).
  const safe: CliIo = { out: (t) => io.out(redactText(t)), err: (t) => io.err(redactText(t)) };
  const outputs: FleetStackOutputs[] = [];
  for (const region of opts.regions) {
    safe.out(`\n=== ${kind} region ${region}${opts.local ? ' (local fleet)' : ''} ===\n`);
    const stack = await openStack({ root, region, local: opts.local, fleet: fleetLoader(opts) });
    const rerun = rerunCommand(kind, region, opts);
    const ref = { stack: stack.name, region, project: pulumiProject(root)?.name ?? 'fleetwright', env: pulumiEnv(root), rerun };
    const failureContext = { stack: stack.name, rerun, local: opts.local, kubeconfigDir: localKubeconfigDir(root) };
    const explain = (failures: RunReport['failures'], warnings: RunReport['failures']): string =>
      describeFailures(opts.fleet(), failures, failureContext, warnings).join('\n');
    if (!(await prepareStack(stack, ref, safe, explain))) return 1;
    const collector = new EventCollector();
    const common = { onOutput: safe.out, onEvent: collector.onEvent, color: 'never' as const };
    try {
      if (kind === 'up') {
        const r = await stack.up({ ...common, refresh: !!opts.refresh });
        outputs.push(Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, v.value])) as unknown as FleetStackOutputs);
        safe.out(`\nregion ${region} (stack ${stack.name}): ${changeSummary(r.summary.resourceChanges)}\n`);
      } else {
        const r = await stack.destroy({ ...common, refresh: !!opts.refresh });
        safe.out(`\nregion ${region} (stack ${stack.name}): ${changeSummary(r.summary.resourceChanges)}\n`);
      }
    } catch (e) {
      const message = (e as Error).message;
      const report = collector.report;
      let text: string;
      if (report.failures.length > 0) {
        text = explainFailure(opts.fleet(), region, report, failureContext);
      } else if (isLockError(message)) {
        // Another run took the lock between our check and the engine's.
        const locks = stackLocks(ref).filter((l) => l.holder !== LockHolder.GONE);
        text = locks.length > 0 ? lockedMessage(ref, locks) : `stack ${stack.name} was locked by another run; rerun \`${rerun}\`.`;
      } else {
        text =
          `${kind} of region '${region}' (stack ${stack.name}) failed:\n${message.split('\n').slice(-20).join('\n')}\n` +
          `Fix the cause above, then rerun \`${rerun}\`.`;
      }
      safe.err(`\n${text}\n`);
      return 1;
    }
  }
  if (kind === 'up' && outputs.length > 0) safe.out(`\n${statusTable(outputs)}\n`);
  return 0;
}

/** When a region's outputs were observed, or that they were assumed (outputs of schema 1). */
function observedLine(o: FleetStackOutputs): string {
  const unreachable = Object.entries(o.clusters)
    .filter(([, c]) => c.reachable === false)
    .map(([n]) => n);
  if (o.observedAt === undefined) {
    return `region ${o.region}: states assumed by an \`up\` that did not read the clusters (outputs schema ${o.schemaVersion}); run \`up\` again to observe them`;
  }
  return `region ${o.region}: states observed on the clusters by \`up\` at ${o.observedAt}${unreachable.length > 0 ? ` (unreachable then: ${unreachable.join(', ')})` : ''}`;
}

/**
 * Prints the bundle × cluster table of states from the regions' stack outputs, and when `up`
 * observed them.
 *
 * @returns the exit code
 */
export async function runStatusCommand(opts: DeployCommandOptions & { readonly json: boolean }, io: CliIo): Promise<number> {
  const { openStack } = await import('../deploy/automation');
  const root = opts.root ?? projectRoot();
  const outputs: FleetStackOutputs[] = [];
  for (const region of opts.regions) {
    const stack = await openStack({ root, region, local: opts.local, fleet: fleetLoader(opts) });
    const o = await stack.outputs();
    if (Object.keys(o).length === 0) {
      io.err(
        `region ${region}: stack ${stack.name} has no outputs yet; run \`npx fleetwright up --region ${region}${opts.local ? ' --local' : ''}\`\n`,
      );
      continue;
    }
    outputs.push(Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v.value])) as unknown as FleetStackOutputs);
  }
  if (opts.json) {
    io.out(`${JSON.stringify(outputs, null, 2)}\n`);
  } else if (outputs.length > 0) {
    io.out(`${statusTable(outputs)}\n${outputs.map(observedLine).join('\n')}\n`);
    io.out(`for the state on the clusters now: npx fleetwright status --live${opts.local ? ' --local' : ''}\n`);
  }
  return outputs.length === opts.regions.length ? 0 : 1;
}

/** Options of `fleetwright preview`. */
export interface PreviewCommandOptions extends DeployCommandOptions {
  /** Refresh from the clusters first, so drift shows. */
  readonly refresh: boolean;
  /** Report format. */
  readonly format: DiffFormat;
  /** Colour the text report. */
  readonly color: boolean;
  /** Also stream the engine's own output to stderr. */
  readonly verbose: boolean;
}

/**
 * Previews each region's stack through the Automation API and prints one cluster × bundle × object
 * report for all of them: changes grouped across clusters, drift marked, replacements and deletions
 * loud, secrets masked.
 *
 * @returns 0 without changes, 2 with changes, 1 when some change cannot be planned
 */
export async function runPreviewCommand(opts: PreviewCommandOptions, io: CliIo): Promise<number> {
  const { openStack } = await import('../deploy/automation');
  const { LivePreviewCollector } = await import('../diff/live');
  const root = opts.root ?? projectRoot();
  const collector = new LivePreviewCollector();
  const stacks: string[] = [];
  let failure: string | undefined;
  for (const region of opts.regions) {
    const stack = await openStack({ root, region, local: opts.local, fleet: fleetLoader(opts) });
    stacks.push(stack.name);
    io.err(`previewing region ${region} (stack ${stack.name}${opts.refresh ? ', refreshing from the clusters' : ''})\n`);
    try {
      await stack.preview({
        color: 'never',
        diff: true,
        refresh: opts.refresh,
        onEvent: collector.forRegion(region),
        ...(opts.verbose ? { onOutput: io.err } : {}),
      });
    } catch (e) {
      failure ??= (e as Error).message.split('\n').slice(-5).join('\n');
    }
  }
  const report = collector.finish({ base: `deployed (${stacks.join(', ')})`, head: 'working tree' });
  io.out(renderDiff(report, opts.format, opts.color));
  if (failure !== undefined) {
    if (!report.errors) io.err(`preview failed: ${failure}\n`);
    return 1;
  }
  return hasChanges(report) ? 2 : 0;
}
