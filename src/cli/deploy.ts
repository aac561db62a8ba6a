import Table from 'cli-table3';
import { Fleet } from '../model/fleet';
import { redactText } from '../model/redaction';
import type { RunReport } from '../deploy/automation';
import type { FleetStackOutputs } from '../deploy/outputs';
import { hasChanges } from '../diff/compare';
import { DiffFormat, renderDiff } from '../diff/render';
import { projectRoot } from '../project/paths';
import { pulumiProject } from '../deploy/project';
import type { EngineEvent, Stack } from '@pulumi/pulumi/automation';
import pLimit from 'p-limit';
import { mergeRegionOutputs } from '../deploy/outputs';
import type { ClusterMove, DeployedCluster } from '../deploy/shards';
import { rolloutPlan } from '../model/placement';
import { synthesizeFleet } from '../synth/synth';
import type { RunRecord } from '../deploy/journal';
import { parseShardStack, RegionShard, regionShards, shardOf } from '../model/shards';
import { shardStackName, stackName } from '../project/paths';

export { projectRoot };
import type { CliIo } from './io';
import { INTERRUPTED_EXIT_CODE, Interrupts, watchInterrupts } from './interrupt';
import { redactingIo } from './io';

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
export function rerunCommand(kind: 'up' | 'destroy', region: string, opts: DeployCommandOptions & { readonly shard?: number }): string {
  return `npx fleetwright ${fleetArgument(opts)}${kind} --region ${region}${opts.shard !== undefined ? ` --shard ${opts.shard}` : ''}${opts.local ? ' --local' : ''}`;
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

/** One stack of a run: a region's stack, or one shard of a sharded region. */
interface StackUnit {
  /** The region. */
  readonly region: string;
  /** The shard (index 0: the region stack). */
  readonly shard: RegionShard;
  /** The stack name. */
  readonly name: string;
}

/** The stacks that deploy `regions` now: one per region, or one per shard of a sharded region. */
function stackUnits(fleet: Fleet, regions: readonly string[], local: boolean): StackUnit[] {
  return regions.flatMap((region) =>
    regionShards(fleet, region).map((shard) => ({ region, shard, name: shardStackName(region, shard.index, local) })),
  );
}

/** Stacks opened or checked at once before a run (each is a short Pulumi CLI process). */
const PREPARE_AT_ONCE = 4;

async function openUnit(unit: StackUnit, root: string, opts: DeployCommandOptions): Promise<Stack> {
  const { openStack } = await import('../deploy/automation');
  return openStack({
    root,
    region: unit.region,
    local: opts.local,
    fleet: fleetLoader(opts),
    ...(unit.shard.index > 0 ? { shard: { index: unit.shard.index, of: unit.shard.of } } : {}),
  });
}

/**
 * Writes each whole line of a stack's output with the stack's name in front, so that stacks
 * running at once stay readable; `flush` writes what is left.
 */
function linePrefixer(prefix: string, write: (t: string) => void): { write: (t: string) => void; flush: () => void } {
  let pending = '';
  return {
    write: (t) => {
      const lines = (pending + t).split('\n');
      pending = lines.pop() ?? '';
      if (lines.length > 0) write(lines.map((l) => `${prefix}${l}\n`).join(''));
    },
    flush: () => {
      if (pending) write(`${prefix}${pending}\n`);
      pending = '';
    },
  };
}

/** URNs (globs) that select the given clusters' components and everything under them in a stack. */
function clusterUrns(stack: string, project: string, clusters: readonly string[]): string[] {
  const prefix = `urn:pulumi:${stack}::${project}::`;
  return clusters.flatMap((c) => [`${prefix}**::${c}`, `${prefix}**::${c}/**`]);
}

/**
 * Moves the state of clusters that are deployed by another stack of their region than the one
 * they belong to now (the region became sharded, the number of shards changed, a region stopped
 * being sharded). Nothing changes on the clusters.
 *
 * @returns an error message, or undefined when every cluster is where it belongs
 */
/**
 * The moves that put each cluster of a region into the stack that deploys it now, from the states
 * of the region's stacks (read only).
 */
async function pendingMoves(region: string, units: readonly StackUnit[], stack: Stack, local: boolean): Promise<ClusterMove[]> {
  const { regionStacks, deployedClusters, plannedMoves } = await import('../deploy/shards');
  const ws = stack.workspace;
  const base = stackName(region, local);
  const existing = await regionStacks(ws, base);
  // One stack that is also the only one deploying the region now: every cluster is where it belongs.
  if (existing.length === 1 && units.length === 1 && existing[0] === units[0].name) return [];
  const located = new Map<string, DeployedCluster[]>();
  const states = await Promise.all(existing.map((name) => deployedClusters(ws, name)));
  existing.forEach((name, i) => located.set(name, states[i]));
  const of = units[0]?.shard.of ?? 1;
  const sharded = (units[0]?.shard.index ?? 0) > 0;
  // Clusters no longer in the fleet go to the stack their name hashes to: its run deletes them.
  const wanted = new Map<string, string>();
  for (const c of [...located.values()].flat()) {
    wanted.set(c.cluster, sharded ? shardStackName(region, shardOf(c.cluster, of), local) : base);
  }
  return plannedMoves(located, wanted);
}

async function moveToShards(
  region: string,
  units: readonly StackUnit[],
  stack: Stack,
  ctx: { readonly local: boolean; readonly io: CliIo; readonly only?: string },
): Promise<string | undefined> {
  const { releaseClusters } = await import('../deploy/shards');
  const ws = stack.workspace;
  const of = units[0]?.shard.of ?? 1;
  const sharded = (units[0]?.shard.index ?? 0) > 0;
  const moves = await pendingMoves(region, units, stack, ctx.local);
  if (ctx.only !== undefined) {
    // One shard of a matrix: moving would touch stacks that other runs may be deploying.
    const mine = moves.filter((m) => m.to === ctx.only || m.from === ctx.only);
    if (mine.length === 0) return undefined;
    return (
      `stack ${ctx.only} cannot run alone yet: ${mine.map((m) => `${m.clusters.join(', ')} must move from stack ${m.from} to ${m.to}`).join('; ')} ` +
      `(the region's shards changed). Move them first with \`npx fleetwright up --region ${region}${ctx.local ? ' --local' : ''} --move-only\` ` +
      '(state only: nothing is deleted on the clusters, nothing deployed), then rerun this. Nothing was deployed.'
    );
  }
  for (const m of moves) {
    ctx.io.out(
      `region ${region}: ${m.clusters.join(', ')} move${m.clusters.length === 1 ? 's' : ''} from stack ${m.from} to ${m.to} ` +
        `(the region has ${sharded ? `${of} shards` : 'one stack'} now): ${m.from} lets go of ${m.clusters.length === 1 ? 'its' : 'their'} ` +
        `objects, ${m.to} takes them over; nothing is deleted or recreated on the clusters\n`,
    );
    try {
      await releaseClusters(ws, m.from, m.clusters);
    } catch (e) {
      return `releasing ${m.clusters.join(', ')} from stack ${m.from} failed: ${(e as Error).message.split('\n').slice(-8).join('\n')}\nNothing was deployed. Fix the cause above, then rerun.`;
    }
  }
  const emptied = [...new Set(moves.map((m) => m.from))].filter((n) => !units.some((u) => u.name === n));
  for (const n of emptied) ctx.io.out(`region ${region}: stack ${n} deploys nothing now; \`pulumi stack rm ${n}\` removes it\n`);
  return undefined;
}

/**
 * After an interrupted run was repaired: deletes the objects it created on the stack's clusters that
 * the state does not track and the fleet does not want (all of them for `destroy`), and says what
 * it did. Namespaces are only named.
 *
 * @returns whether the run may go on
 */
async function removeLeftoversOf(
  u: StackUnit,
  stack: Stack,
  runs: readonly RunRecord[],
  ctx: {
    readonly kind: 'up' | 'destroy';
    readonly fleet: Fleet;
    readonly root: string;
    readonly local: boolean;
    readonly io: CliIo;
    /** The command that reruns this deployment. */
    readonly rerun: string;
  },
): Promise<boolean> {
  const { removeLeftovers, trackedKinds, trackedObjects, wantedObjects } = await import('../deploy/leftovers');
  const { kubeconfigSourcesOf, readKubeconfigs } = await import('../deploy/kubeconfig');
  const { exportState } = await import('../deploy/state');
  const { localKubeconfigDir } = await import('../deploy/automation');
  const synthesis = synthesizeFleet(ctx.fleet, { region: u.region });
  const clusters = synthesis.clusters.filter((c) => u.shard.clusters.includes(c.name));
  if (clusters.length === 0) return true;
  const fail = (why: string): false => {
    ctx.io.err(
      `\nstack ${u.name}: could not look for objects the interrupted run left behind: ${why}\n` +
        `Nothing was deployed. The repair needs every cluster of region ${u.region} reachable with its kubeconfig; then rerun \`${ctx.rerun}\`.\n`,
    );
    return false;
  };
  let kubeconfigs: Record<string, string>;
  try {
    const sources = ctx.local ? { dir: localKubeconfigDir(ctx.root) } : kubeconfigSourcesOf(await stack.getAllConfig(), ctx.root);
    kubeconfigs = readKubeconfigs(clusters, sources);
  } catch (e) {
    return fail((e as Error).message);
  }
  const state = await exportState(stack.workspace, stack.name);
  const since = runs.map((r) => r.started).sort()[0];
  const result = await removeLeftovers(
    clusters.map((c) => ({ cluster: c, kubeconfig: kubeconfigs[c.name] })),
    {
      fleet: synthesis.fleet,
      since,
      tracked: trackedObjects(state),
      wanted: ctx.kind === 'destroy' ? new Set() : wantedObjects(synthesis.clusters),
      kinds: trackedKinds(state),
    },
  );
  const wants = ctx.kind === 'destroy' ? 'this destroy removes' : 'the fleet no longer wants';
  if (result.deleted.length > 0) {
    ctx.io.out(
      `stack ${u.name}: deleted ${result.deleted.length} object${result.deleted.length === 1 ? '' : 's'} the interrupted run had created and ${wants}: ${result.deleted.join('; ')}.\n`,
    );
  }
  if (result.namespaces.length > 0) {
    ctx.io.out(
      `stack ${u.name}: left in place, as namespaces may hold objects of others: ${result.namespaces.join('; ')}, ` +
        `created by the interrupted run and no longer wanted; delete ${result.namespaces.length === 1 ? 'it' : 'them'} with kubectl once empty.\n`,
    );
  }
  return result.failed.length === 0 || fail(result.failed.join('; '));
}

/**
 * The units `--shard N` selects (all without it), or why it cannot: it needs one region, and that
 * region must have shard N.
 */
function selectUnits(units: StackUnit[], opts: DeployCommandOptions & { readonly shard?: number }): StackUnit[] | string {
  if (opts.shard === undefined) return units;
  const regions = [...new Set(units.map((u) => u.region))];
  if (regions.length !== 1) return `--shard ${opts.shard} needs --region: the shard of which region? (regions: ${regions.join(', ')})`;
  const chosen = units.filter((u) => u.shard.index === opts.shard);
  if (chosen.length > 0) return chosen;
  const of =
    units[0]?.shard.index === 0 ? 'is not sharded (one stack; run without --shard)' : `has ${units.length} shards, 1 to ${units.length}`;
  return `--shard ${opts.shard}: region ${regions[0]} ${of}. \`npx fleetwright plan --region ${regions[0]}\` lists its stacks.`;
}

/** What one stack run ended with. */
type UnitResult =
  | { readonly ok: true; readonly outputs?: FleetStackOutputs }
  /** `text` says what failed; none for a run that never started (interrupted before it). */
  | { readonly ok: false; readonly text?: string };

/**
 * Runs `up` or `destroy` on each region's stacks through the Automation API: a sharded region's
 * shards and the regions themselves run in parallel (`--parallel`, default from the machine's
 * memory), partition by partition when a sharded region has several rollout partitions (every
 * shard finishes partition k before any starts k + 1; a failure stops the later partitions).
 * Before running, clusters whose state is in another stack of their region are moved there
 * (nothing changes on the clusters); each stack is repaired first from what an interrupted earlier
 * run left (a stale lock, pending operations), and a stack another run holds stops this one at
 * once. On failure it says which partition, clusters and objects failed and what to do. Ctrl-C
 * or SIGTERM lets the running engines finish what is in flight and save their state, starts
 * nothing more, and exits 130 (`interrupt.ts`). Credentials never reach the output.
 *
 * @returns the exit code
 */
export async function runDeployCommand(
  kind: 'up' | 'destroy',
  opts: DeployCommandOptions & {
    readonly refresh?: boolean;
    readonly parallel?: number;
    readonly shard?: number;
    readonly moveOnly?: boolean;
  },
  io: CliIo,
): Promise<number> {
  // Ctrl-C or SIGTERM: the engines running end the Pulumi way and save their state; nothing new starts.
  const interrupts = watchInterrupts(redactingIo(io));
  try {
    return await deployStacks(kind, opts, io, interrupts);
  } catch (e) {
    if (!interrupts.requested) throw e;
    // A short Pulumi call (opening or checking a stack) stopped by the same Ctrl-C.
    io.err(
      `\n${kind} was interrupted (${interrupts.requested}) while its stacks were being opened and checked: nothing was deployed. ` +
        `To finish, rerun \`${wholeRerun(kind, opts)}\`.\n`,
    );
    return INTERRUPTED_EXIT_CODE;
  } finally {
    interrupts.dispose();
  }
}

/** The command that runs `kind` again on the regions of `opts` (the region's own command for one). */
function wholeRerun(kind: 'up' | 'destroy', opts: DeployCommandOptions & { readonly shard?: number }): string {
  return opts.regions.length === 1
    ? rerunCommand(kind, opts.regions[0], opts)
    : `npx fleetwright ${fleetArgument(opts)}${kind}${opts.local ? ' --local' : ''}`;
}

/** {@link runDeployCommand} under a watch for Ctrl-C and SIGTERM. */
async function deployStacks(
  kind: 'up' | 'destroy',
  opts: Parameters<typeof runDeployCommand>[1],
  io: CliIo,
  interrupts: Interrupts,
): Promise<number> {
  const { EventCollector, describeFailures, explainFailure, pulumiEnv, localKubeconfigDir } = await import('../deploy/automation');
  const { prepareStack, stackLocks, lockedMessage, isLockError, LockHolder, locksFromMessage } = await import('../deploy/recovery');
  const { registerKubeconfigFiles } = await import('../deploy/redact');
  const { beginRun, forgetRuns, skipsCheckpoints } = await import('../deploy/journal');
  const { defaultParallelism, regionStacks } = await import('../deploy/shards');
  const root = opts.root ?? projectRoot();
  // Known before anything runs: a recovery refresh talks to the clusters before the program reads them.
  if (opts.local) registerKubeconfigFiles(localKubeconfigDir(root));
  // redactText hides registered secrets and credential-shaped text (constructs/redaction.ts).
  const safe: CliIo = { out: (t) => io.out(redactText(t)), err: (t) => io.err(redactText(t)) };
  const fleet = opts.fleet();
  const project = pulumiProject(root)?.name ?? 'fleetwright';
  const selected = selectUnits(stackUnits(fleet, opts.regions, opts.local), opts);
  if (typeof selected === 'string') {
    safe.err(`${selected}\n`);
    return 1;
  }
  let units = selected;
  /** Stack runs an interruption kept from starting. */
  const notStarted: string[] = [];
  /** Says that the command was interrupted, what did not start and how to finish. */
  const interrupted = (before = false): number => {
    const what = before ? ' before anything was deployed' : notStarted.length > 0 ? `; not started: ${notStarted.join(', ')}` : '';
    safe.err(`\n${kind} was interrupted (${interrupts.requested})${what}. To finish, rerun \`${wholeRerun(kind, opts)}\`.\n`);
    return INTERRUPTED_EXIT_CODE;
  };
  // Opening stacks and checking their state are short Pulumi CLI calls: several at once.
  const prepare = pLimit(PREPARE_AT_ONCE);
  const stacks = new Map<string, Stack>();
  const opened = await Promise.all(units.map((u) => prepare(() => openUnit(u, root, opts))));
  units.forEach((u, i) => stacks.set(u.name, opened[i]));
  if (kind === 'destroy' && opts.shard === undefined) {
    // Every stack of the region that exists, shards of an earlier layout included.
    const existing: StackUnit[] = [];
    for (const region of opts.regions) {
      const first = stacks.get(units.find((u) => u.region === region)?.name ?? '') as Stack;
      for (const name of await regionStacks(first.workspace, stackName(region, opts.local))) {
        const index = parseShardStack(name).index;
        const unit = units.find((u) => u.name === name) ?? { region, shard: { region, index, of: index, clusters: [] }, name };
        if (!stacks.has(name)) stacks.set(name, await openUnit(unit, root, opts));
        existing.push(unit);
      }
    }
    units = existing;
  }
  const parallel = opts.parallel ?? defaultParallelism(units.map((u) => u.shard.clusters.length));
  const concurrent = parallel > 1 && units.length > 1;
  if (concurrent) safe.out(`running ${units.length} stacks, ${parallel} at a time: ${units.map((u) => u.name).join(', ')}\n`);
  const refOf = (u: StackUnit) => {
    const rerun = rerunCommand(kind, u.region, opts);
    return { stack: u.name, region: u.region, project, env: pulumiEnv(root), rerun };
  };
  const contextOf = (u: StackUnit) => ({
    stack: u.name,
    rerun: rerunCommand(kind, u.region, opts),
    local: opts.local,
    kubeconfigDir: localKubeconfigDir(root),
  });
  const prepared = await Promise.all(
    units.map((u) =>
      prepare(() => {
        const explain = (failures: RunReport['failures'], warnings: RunReport['failures']): string =>
          describeFailures(fleet, failures, contextOf(u), warnings).join('\n');
        return prepareStack(stacks.get(u.name) as Stack, refOf(u), safe, explain, (runs) =>
          removeLeftoversOf(u, stacks.get(u.name) as Stack, runs, {
            kind,
            fleet,
            root,
            local: opts.local,
            io: safe,
            rerun: rerunCommand(kind, u.region, opts),
          }),
        );
      }),
    ),
  );
  if (interrupts.requested) return interrupted(true);
  if (prepared.includes(false)) return 1;
  if (kind === 'up') {
    const errors = await Promise.all(
      opts.regions.map((region) => {
        const own = units.filter((u) => u.region === region);
        const only = opts.shard === undefined ? undefined : own[0].name;
        return moveToShards(region, own, stacks.get(own[0].name) as Stack, { local: opts.local, io: safe, only });
      }),
    );
    const found = errors.filter((e): e is string => e !== undefined);
    if (found.length > 0) {
      for (const e of found) safe.err(`\n${e}\n`);
      return 1;
    }
    if (interrupts.requested) return interrupted(true);
    if (opts.moveOnly) {
      safe.out(
        `every cluster is in the stack that deploys it now (${units.map((u) => u.name).join(', ')}); nothing was deployed (--move-only)\n`,
      );
      return 0;
    }
  }

  const limit = pLimit(parallel);
  /** Runs a stack; with `partition`, everything but the clusters of later partitions (`later`). */
  const runUnit = (u: StackUnit, partition?: { readonly name: string; readonly later: readonly string[] }): Promise<UnitResult> =>
    limit(async (): Promise<UnitResult> => {
      const stack = stacks.get(u.name) as Stack;
      const label = `${u.name}${partition ? ` (partition ${partition.name})` : ''}`;
      if (interrupts.requested) {
        notStarted.push(label);
        return { ok: false };
      }
      const lines = concurrent ? linePrefixer(`[${label}] `, safe.out) : { write: safe.out, flush: () => undefined };
      safe.out(
        `\n=== ${kind} ${u.shard.index > 0 ? `region ${u.region}, shard ${u.shard.index} of ${u.shard.of}` : `region ${u.region}`}` +
          `${partition ? `, partition ${partition.name}` : ''}${opts.local ? ' (local fleet)' : ''} (stack ${u.name}) ===\n`,
      );
      const collector = new EventCollector();
      const engine = interrupts.engine();
      // The engine reports its summary when the run is over; from then on its state is written.
      let ended = false;
      const onEvent = (e: EngineEvent): void => {
        if (e.summaryEvent) ended = true;
        engine.seen(e);
        collector.onEvent(e);
      };
      const onOutput = (text: string): void => {
        engine.seen(text);
        lines.write(text);
      };
      const common = { onOutput, onEvent, color: 'never' as const, signal: engine.signal };
      let run: RunRecord | undefined;
      let lockedOut = false;
      try {
        // Without per-step checkpoints, a run is recorded on its stack while it is in flight.
        if (skipsCheckpoints()) run = await beginRun(stack, `fleetwright ${process.argv.slice(2).join(' ')}`);
        if (kind === 'up') {
          const exclude = partition ? { exclude: clusterUrns(u.name, project, partition.later) } : {};
          const r = await stack.up({ ...common, ...exclude, refresh: !!opts.refresh });
          lines.flush();
          safe.out(`\n${describeUnit(u)} (stack ${u.name}): ${changeSummary(r.summary.resourceChanges)}\n`);
          if (partition) return { ok: true };
          return {
            ok: true,
            outputs: Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, v.value])) as unknown as FleetStackOutputs,
          };
        }
        const r = await stack.destroy({ ...common, refresh: !!opts.refresh });
        lines.flush();
        safe.out(`\n${describeUnit(u)} (stack ${u.name}): ${changeSummary(r.summary.resourceChanges)}\n`);
        return { ok: true };
      } catch (e) {
        lines.flush();
        const message = (e as Error).message;
        const report = collector.report;
        const ctx = contextOf(u);
        if (interrupts.requested) return { ok: false, text: interruptedText(u, ended, report.failures, run !== undefined, ctx.rerun) };
        if (report.failures.length > 0) return { ok: false, text: explainFailure(fleet, u.region, report, ctx) };
        if (isLockError(message)) {
          lockedOut = true;
          // Another run took the lock between our check and the engine's.
          const own = stackLocks(refOf(u)).filter((l) => l.holder !== LockHolder.GONE);
          // Backends other than files: the engine's message names the holder.
          const locks = own.length > 0 ? own : locksFromMessage(message);
          return {
            ok: false,
            text: locks.length > 0 ? lockedMessage(refOf(u), locks) : `stack ${u.name} was locked by another run; rerun \`${ctx.rerun}\`.`,
          };
        }
        return {
          ok: false,
          text: `${kind} of ${describeUnit(u)} (stack ${u.name}) failed:\n${message.split('\n').slice(-20).join('\n')}\nFix the cause above, then rerun \`${ctx.rerun}\`.`,
        };
      } finally {
        engine.done();
        // An engine that ended wrote the state, one that never got the lock changed nothing: either way the
        // record goes. Otherwise (the engine crashed or was killed) it stays, and the next run repairs the stack.
        // So it does when a cancel cut an operation short: that operation may have changed its object
        // without the state knowing (the provider gives up before it reads the object back).
        const cutShort = interrupts.requested !== undefined && collector.report.failures.length > 0;
        if (run && ((ended && !cutShort) || lockedOut)) await forgetRuns(stack, [run]).catch(() => undefined);
      }
    });

  const outputs: FleetStackOutputs[] = [];
  const failures: string[] = [];
  await Promise.all(
    opts.regions.map(async (region) => {
      const own = units.filter((u) => u.region === region);
      const plan = rolloutPlan(fleet, region);
      // Partition by partition across shards: a shard's run for partition k leaves out its clusters
      // of later partitions; a shard with none left runs whole, once (deletions, outputs).
      const phased = kind === 'up' && own.length > 1 && plan.partitions.length > 1;
      const phases = phased ? plan.partitions : [undefined];
      const whole = new Set<string>();
      for (const [i, p] of phases.entries()) {
        const results = await Promise.all(
          own.map((u) => {
            if (whole.has(u.name)) return Promise.resolve<UnitResult>({ ok: true });
            const later = (phased ? plan.partitions.slice(i + 1) : [])
              .flatMap((l) => l.waves.flat())
              .filter((c) => u.shard.clusters.includes(c));
            const now = p?.waves.flat().some((c) => u.shard.clusters.includes(c)) ?? true;
            if (later.length === 0) {
              whole.add(u.name);
              return runUnit(u);
            }
            return p && now ? runUnit(u, { name: p.name, later }) : Promise.resolve<UnitResult>({ ok: true });
          }),
        );
        for (const r of results) {
          if (r.ok && r.outputs) outputs.push(r.outputs);
          if (!r.ok && r.text) failures.push(r.text);
        }
        if (results.some((r) => !r.ok)) {
          const later = plan.partitions.slice(i + 1);
          if (phased && later.length > 0 && !interrupts.requested) {
            failures.push(`region ${region}: later partitions were not started on any shard: ${later.map((l) => l.name).join(', ')}`);
          }
          return;
        }
      }
    }),
  );
  for (const f of failures) safe.err(`\n${f}\n`);
  if (kind === 'up' && outputs.length > 0) safe.out(`\n${statusTable(mergeRegionOutputs(outputs))}\n`);
  if (interrupts.requested) return interrupted();
  return failures.length > 0 ? 1 : 0;
}

/**
 * What an interrupted stack run left: its state saved or not, and the operations the cancel cut
 * short. `recorded`: the run is recorded on its stack (no per-step checkpoints), so the next run
 * repairs the stack by itself; otherwise `--refresh` reads the objects back.
 */
function interruptedText(u: StackUnit, saved: boolean, cut: RunReport['failures'], recorded: boolean, rerun: string): string {
  const head = `${describeUnit(u)} (stack ${u.name}) was interrupted`;
  if (!saved) return `${head}: its engine stopped before it saved its state; the next run repairs the stack first.`;
  const names = [...new Set(cut.map((f) => f.resource))];
  if (names.length === 0) return `${head}: the operations in flight finished and its state is saved.`;
  const shown = names.slice(0, 10).join(', ') + (names.length > 10 ? ` and ${names.length - 10} more` : '');
  return (
    `${head}: its state is saved, but the cancel cut short ${names.length === 1 ? 'the operation' : `${names.length} operations`} on ${shown}, ` +
    'which may have changed the cluster without the state knowing. ' +
    (recorded
      ? 'The next run reads the objects back from the clusters first.'
      : `Rerun with --refresh to read them back: \`${rerun} --refresh\`.`)
  );
}

function describeUnit(u: StackUnit): string {
  return u.shard.index > 0 ? `region ${u.region} shard ${u.shard.index}/${u.shard.of}` : `region ${u.region}`;
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
  const root = opts.root ?? projectRoot();
  const outputs: FleetStackOutputs[] = [];
  let missing = 0;
  for (const u of stackUnits(opts.fleet(), opts.regions, opts.local)) {
    const stack = await openUnit(u, root, opts);
    const o = await stack.outputs();
    if (Object.keys(o).length === 0) {
      missing++;
      io.err(
        `${describeUnit(u)}: stack ${stack.name} has no outputs yet; run \`npx fleetwright up --region ${u.region}${opts.local ? ' --local' : ''}\`\n`,
      );
      continue;
    }
    outputs.push(Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v.value])) as unknown as FleetStackOutputs);
  }
  const merged = mergeRegionOutputs(outputs);
  if (opts.json) {
    io.out(`${JSON.stringify(merged, null, 2)}\n`);
  } else if (merged.length > 0) {
    io.out(`${statusTable(merged)}\n${merged.map(observedLine).join('\n')}\n`);
    io.out(`for the state on the clusters now: npx fleetwright status --live${opts.local ? ' --local' : ''}\n`);
  }
  return missing === 0 ? 0 : 1;
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
export async function runPreviewCommand(
  opts: PreviewCommandOptions & { readonly parallel?: number; readonly shard?: number },
  io: CliIo,
): Promise<number> {
  const { LivePreviewCollector } = await import('../diff/live');
  const { defaultParallelism } = await import('../deploy/shards');
  const root = opts.root ?? projectRoot();
  const collector = new LivePreviewCollector();
  const units = selectUnits(stackUnits(opts.fleet(), opts.regions, opts.local), opts);
  if (typeof units === 'string') {
    io.err(`${units}\n`);
    return 1;
  }
  const stacks = new Map<string, Stack>();
  for (const u of units) stacks.set(u.name, await openUnit(u, root, opts));
  const { recordedRuns } = await import('../deploy/journal');
  const recorded = await Promise.all([...stacks].map(async ([name, stack]) => ({ name, runs: await recordedRuns(stack) })));
  for (const { name, runs } of recorded) {
    // A run in flight or interrupted: what it did may not be in the state yet.
    for (const run of runs) {
      io.err(
        `stack ${name}: a run has not recorded its end (\`${run.command}\`, pid ${run.pid} on ${run.host}, started ${run.started}): ` +
          'it is still going, or it was interrupted. This preview compares with a state that may be behind the clusters; ' +
          `the next \`up\` repairs it first${opts.refresh ? '' : ' (`preview --refresh` reads the objects back now)'}.\n`,
      );
    }
  }
  const limit = pLimit(opts.parallel ?? defaultParallelism(units.map((u) => u.shard.clusters.length)));
  // Clusters that change stack at the next `up` are left out of both stacks' previews: the old one
  // would show their objects deleted, the new one created, when `up` only hands them over.
  const moving = new Map<string, string[]>();
  for (const region of [...new Set(units.map((u) => u.region))]) {
    const own = units.filter((u) => u.region === region);
    for (const m of await pendingMoves(region, own, stacks.get(own[0].name) as Stack, opts.local)) {
      io.err(
        `not previewed: ${m.clusters.join(', ')} (${m.clusters.length === 1 ? 'moves' : 'move'} from stack ${m.from} to ${m.to} at the next \`up\`, objects kept)\n`,
      );
      for (const name of [m.from, m.to]) moving.set(name, [...(moving.get(name) ?? []), ...m.clusters]);
    }
  }
  const project = pulumiProject(root)?.name ?? 'fleetwright';
  let failure: string | undefined;
  await Promise.all(
    units.map((u) =>
      limit(async () => {
        io.err(`previewing ${describeUnit(u)} (stack ${u.name}${opts.refresh ? ', refreshing from the clusters' : ''})\n`);
        try {
          const exclude = moving.has(u.name) ? { exclude: clusterUrns(u.name, project, moving.get(u.name) ?? []) } : {};
          await (stacks.get(u.name) as Stack).preview({
            ...exclude,
            color: 'never',
            diff: true,
            refresh: opts.refresh,
            onEvent: collector.forRegion(u.region),
            ...(opts.verbose ? { onOutput: io.err } : {}),
          });
        } catch (e) {
          failure ??= (e as Error).message.split('\n').slice(-5).join('\n');
        }
      }),
    ),
  );
  const report = collector.finish({ base: `deployed (${units.map((u) => u.name).join(', ')})`, head: 'working tree' });
  io.out(renderDiff(report, opts.format, opts.color));
  if (failure !== undefined) {
    if (!report.errors) io.err(`preview failed: ${failure}\n`);
    return 1;
  }
  return hasChanges(report) ? 2 : 0;
}
