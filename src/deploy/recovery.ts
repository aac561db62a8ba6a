import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Stack } from '@pulumi/pulumi/automation';
import { NAMESPACES_BUNDLE, parseResourceName, PROVIDER_BUNDLE, qualifiedKind, qualifiedName } from '../model/identity';
import { ResourceError, resourceDiagnostic, resourceError, resourceName } from './events';
import { forgetRuns, recordedRuns, RunRecord } from './journal';
import { exportState } from './state';

/**
 * What happens before `up` and `destroy` touch a stack, so that a run that was killed, crashed or is
 * still going never needs manual state surgery: the stack lock of Pulumi's file backend is checked
 * (a lock whose process is gone is removed; a live one stops this run at once, naming its holder),
 * and the state an interrupted run left behind (operations pending in the checkpoint, or a run
 * recorded in flight that never recorded its end: deploy/journal.ts) is repaired against the
 * clusters before anything is deployed.
 */

/** Who holds a stack lock. */
export enum LockHolder {
  /** The process that took the lock is still running on this machine. */
  RUNNING = 'running',
  /** The process that took the lock is gone (killed, crashed): the lock is stale. */
  GONE = 'gone',
  /** The lock was taken on another machine: whether its process runs cannot be checked from here. */
  UNKNOWN = 'unknown',
}

/** A lock file of Pulumi's file backend (`.pulumi/locks/…/<stack>/<uuid>.json`). */
export interface StackLock {
  /** The lock file. */
  readonly file: string;
  /** Process id of the `pulumi` process that took it. */
  readonly pid: number;
  /** User that ran it. */
  readonly username: string;
  /** Host it ran on. */
  readonly hostname: string;
  /** When the lock was taken (RFC 3339). */
  readonly timestamp: string;
  /** Whether its process still runs. */
  readonly holder: LockHolder;
  /** What holds it, for messages: the fleetwright command line, or the pulumi one. */
  readonly command?: string;
  /** Process id of the fleetwright process that started `pulumi`, when it is still running. */
  readonly parentPid?: number;
  /** Whether the process that started `pulumi` is gone (the engine runs on, orphaned). */
  readonly orphan?: boolean;
}

/** Where the stack's state lives and how to name it in messages. */
export interface StackRef {
  /** The stack (`local-<region>` or `<region>`). */
  readonly stack: string;
  /** The region it deploys. */
  readonly region: string;
  /** The Pulumi project. */
  readonly project: string;
  /** The environment the Automation API runs `pulumi` with (`PULUMI_BACKEND_URL`, …). */
  readonly env: Readonly<Record<string, string>>;
  /** The command that redeploys the region, for messages (`npx fleetwright up --region R --local`). */
  readonly rerun: string;
}

/** The folder of the file backend, or undefined for other backends (Pulumi Cloud, S3, …). */
export function fileBackendDir(env: Readonly<Record<string, string>>): string | undefined {
  const url = process.env.PULUMI_BACKEND_URL ?? env.PULUMI_BACKEND_URL;
  if (!url?.startsWith('file://')) return undefined;
  let dir = decodeURIComponent(url.slice('file://'.length).replace(/\?.*$/, ''));
  if (dir === '~' || dir.startsWith('~/')) dir = path.join(os.homedir(), dir.slice(1));
  return path.resolve(dir);
}

/** The folders that may hold the stack's lock files (the project layout and the legacy one). */
function lockDirs(ref: StackRef): string[] {
  const dir = fileBackendDir(ref.env);
  if (!dir) return [];
  return [path.join(dir, '.pulumi', 'locks', 'organization', ref.project, ref.stack), path.join(dir, '.pulumi', 'locks', ref.stack)];
}

/** Reads /proc/<pid>: its argv and parent, or undefined when the process does not exist (or is a zombie). */
function procInfo(pid: number): { argv: string[]; ppid: number } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (rest[0] === 'Z') return undefined;
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return { argv, ppid: Number(rest[1]) };
  } catch {
    return undefined;
  }
}

function processExists(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (fs.existsSync('/proc/self/stat')) return procInfo(pid) !== undefined;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `fleetwright <args>` for a node process running the fleetwright CLI, else undefined. */
function fleetwrightCommand(argv: readonly string[]): string | undefined {
  const script = argv.findIndex((a) => /fleetwright(\.js)?$/.test(path.basename(a)) || /[\\/]cli[\\/]main\.[jt]s$/.test(a));
  return script < 0 ? undefined : ['fleetwright', ...argv.slice(script + 1)].join(' ');
}

/** Process ids are reparented to init (or a subreaper) when their parent dies. */
const ORPHAN_PARENTS = new Set([0, 1]);

/** `pulumi up --stack S` from a pulumi command line (without the Automation API's plumbing flags). */
function pulumiCommand(argv: readonly string[]): string {
  const stack = argv.findIndex((a) => a === '--stack' || a === '-s');
  return ['pulumi', argv[1] ?? '', ...(stack > 0 && argv[stack + 1] ? ['--stack', argv[stack + 1]] : [])].filter(Boolean).join(' ');
}

/** A running lock holder: the fleetwright command that started `pulumi` (or the pulumi command), and whether its starter is gone. */
interface Holder {
  readonly alive: boolean;
  readonly command?: string;
  readonly parentPid?: number;
  readonly orphan?: boolean;
}

function describeHolder(pid: number): Holder {
  if (!processExists(pid)) return { alive: false };
  const info = procInfo(pid);
  if (!info) return { alive: true };
  // A recycled pid that is not a pulumi process does not hold the lock.
  if (!path.basename(info.argv[0] ?? '').startsWith('pulumi')) return { alive: false };
  const parent = ORPHAN_PARENTS.has(info.ppid) ? undefined : procInfo(info.ppid);
  const command = parent && fleetwrightCommand(parent.argv);
  if (command) return { alive: true, command, parentPid: info.ppid };
  return { alive: true, command: pulumiCommand(info.argv), orphan: !parent };
}

/** Whether a recorded run is still going: its fleetwright process runs on this machine. */
function runIsGoing(run: RunRecord): boolean {
  if (run.host !== os.hostname() || run.pid === process.pid || !processExists(run.pid)) return false;
  const info = procInfo(run.pid);
  return info === undefined || fleetwrightCommand(info.argv) !== undefined;
}

/**
 * The locks a lock error of the engine names (`…: created by user@host (pid N) at T`), for
 * backends whose locks fleetwright does not read itself (PostgreSQL, S3, …). A holder on this
 * machine is checked; one elsewhere is unknown. Pulumi masks credentials in the lock's address,
 * and only the holder is kept.
 */
export function locksFromMessage(message: string): StackLock[] {
  return [...message.matchAll(/created by (\S+?)@(\S+) \(pid (\d+)\) at (\S+)/g)].map(([, username, hostname, pid, timestamp]) => {
    const holder = hostname === os.hostname() ? describeHolder(Number(pid)) : undefined;
    return {
      file: '',
      pid: Number(pid),
      username,
      hostname,
      timestamp,
      holder: holder?.alive ? LockHolder.RUNNING : LockHolder.UNKNOWN,
      ...(holder?.alive ? { command: holder.command, parentPid: holder.parentPid, orphan: holder.orphan } : {}),
    };
  });
}

/** The stack's lock files, with whether their process still runs. */
export function stackLocks(ref: StackRef): StackLock[] {
  const locks: StackLock[] = [];
  for (const dir of lockDirs(ref)) {
    if (!fs.existsSync(dir)) continue;
    for (const entry of fs.readdirSync(dir).sort()) {
      const file = path.join(dir, entry);
      if (!entry.endsWith('.json') || !fs.statSync(file).isFile()) continue;
      let content: { pid?: number; username?: string; hostname?: string; timestamp?: string };
      try {
        content = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof content;
      } catch {
        continue; // being written or removed right now
      }
      const pid = Number(content.pid);
      const hostname = content.hostname ?? '';
      const base = { file, pid, username: content.username ?? '?', hostname, timestamp: content.timestamp ?? '?' };
      if (hostname !== os.hostname()) {
        locks.push({ ...base, holder: LockHolder.UNKNOWN });
        continue;
      }
      const h = describeHolder(pid);
      locks.push({
        ...base,
        holder: h.alive ? LockHolder.RUNNING : LockHolder.GONE,
        command: h.command,
        parentPid: h.parentPid,
        orphan: h.orphan,
      });
    }
  }
  return locks;
}

function since(timestamp: string): string {
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return `since ${timestamp}`;
  const s = Math.max(0, Math.round((Date.now() - t) / 1000));
  return `since ${new Date(t).toISOString().replace(/\.\d+Z$/, 'Z')}, ${s < 120 ? `${s}s` : `${Math.round(s / 60)} min`} ago`;
}

/** The exact command that removes the stack's locks with Pulumi itself (for locks fleetwright cannot check). */
export function cancelCommand(ref: StackRef): string {
  const backend = process.env.PULUMI_BACKEND_URL ?? ref.env.PULUMI_BACKEND_URL;
  const prefix = process.env.PULUMI_BACKEND_URL || !backend ? '' : `PULUMI_BACKEND_URL='${backend}' `;
  const qualified = fileBackendDir(ref.env) ? `organization/${ref.project}/${ref.stack}` : ref.stack;
  return `${prefix}pulumi cancel --yes --stack ${qualified}`;
}

/** The message for a stack locked by a live run, or by a run on another machine. */
export function lockedMessage(ref: StackRef, locks: readonly StackLock[]): string {
  const name = `stack ${ref.stack} (region ${ref.region})`;
  const running = locks.filter((l) => l.holder === LockHolder.RUNNING);
  if (running.length > 0) {
    const l = running[0];
    const who = l.parentPid
      ? `\`${l.command}\` (pid ${l.parentPid}; its pulumi process: pid ${l.pid}; ${l.username}@${l.hostname}, ${since(l.timestamp)})`
      : `\`${l.command ?? 'pulumi'}\` (pid ${l.pid}, ${l.username}@${l.hostname}, ${since(l.timestamp)}` +
        `${l.orphan ? '; the run that started it is gone' : ''})`;
    return [
      `${name} is locked by a deployment that is still running: ${who}.`,
      `Nothing was changed. Wait for that run to finish, then rerun \`${ref.rerun}\`. ` +
        `To stop it instead, interrupt it (Ctrl-C, or \`kill ${l.parentPid ?? l.pid}\`) and rerun: the rerun repairs whatever it left half done.`,
    ].join('\n');
  }
  const others = locks.filter((l) => l.holder === LockHolder.UNKNOWN);
  const l = others[0];
  return [
    `${name} is locked by a run on host ${l.hostname} (pulumi pid ${l.pid}, user ${l.username}, ${since(l.timestamp)}); ` +
      'fleetwright cannot check from this machine whether it is still running.',
    `Nothing was changed. If that run is still going, wait for it to finish and rerun \`${ref.rerun}\`. ` +
      'If it crashed or was killed, remove its lock and rerun:',
    `  ${cancelCommand(ref)}`,
    `  ${ref.rerun}`,
  ].join('\n');
}

/** The message for a stack another fleetwright run on this machine is about to deploy (recorded, its engine not started yet). */
export function runningMessage(ref: StackRef, run: RunRecord): string {
  return [
    `stack ${ref.stack} (region ${ref.region}) is being deployed by a run that is still going: \`${run.command}\` (pid ${run.pid}, ${run.host}, ${since(run.started)}).`,
    `Nothing was changed. Wait for that run to finish, then rerun \`${ref.rerun}\`.`,
  ].join('\n');
}

/** A pending operation of a checkpoint, as `pulumi stack export` shows it. */
export interface PendingOperation {
  /** `creating`, `updating`, `deleting`, `reading` or `importing`. */
  readonly type: string;
  /** The resource's URN. */
  readonly urn: string;
}

/** The operations an interrupted run left pending in an exported deployment. */
export function pendingOperations(exported: { deployment?: unknown }): PendingOperation[] {
  const ops = (exported.deployment as { pending_operations?: { type?: string; resource?: { urn?: string } }[] } | undefined)
    ?.pending_operations;
  return (ops ?? []).map((o) => ({ type: o.type ?? 'unknown', urn: o.resource?.urn ?? '?' }));
}

/** `creating Deployment.apps app/web on faults-canary` for a fleet object, else the operation and resource name. */
export function describeOperation(op: PendingOperation): string {
  const name = resourceName(op.urn);
  const id = parseResourceName(name);
  if (id?.bundle === NAMESPACES_BUNDLE) return `${op.type} Namespace ${id.name} on ${id.cluster}`;
  if (!id || id.bundle === PROVIDER_BUNDLE) return `${op.type} ${name}`;
  return `${op.type} ${qualifiedKind(id.kind, id.group)} ${qualifiedName(id.namespace, id.name)} on ${id.cluster} (bundle ${id.bundle})`;
}

/** Where a run reports what it did before deploying. */
export interface RecoveryIo {
  /** Progress and explanations. */
  out(text: string): void;
  /** Problems that stop the run. */
  err(text: string): void;
}

/**
 * Makes a stack ready for `up` or `destroy` after an earlier run was interrupted, and explains what
 * it did: removes a lock whose process is gone, stops at once when another run holds the lock (or,
 * on this machine, is about to take it), and repairs the state when an interrupted run left pending
 * operations or was recorded in flight and never recorded its end (`pulumi refresh
 * --clear-pending-creates`: the objects are read back from the clusters, so what that run changed
 * or deleted is known; unfinished creates are dropped from the state and applied again by this run,
 * where server-side apply adopts any object the interrupted run had already created).
 *
 * @param explain turns the refresh's failures (and the warnings that may hold their cause) into a message
 * @param cleanUp after the refresh, when runs were recorded in flight and never ended: removes what
 *   they left on the clusters that nobody tracks or wants (deploy/leftovers.ts), reporting it to
 *   `io`; false stops this run (the records stay, so the next run tries again)
 * @returns whether the run may go on
 */
export async function prepareStack(
  stack: Stack,
  ref: StackRef,
  io: RecoveryIo,
  explain?: (failures: readonly ResourceError[], warnings: readonly ResourceError[]) => string,
  cleanUp?: (runs: readonly RunRecord[]) => Promise<boolean>,
): Promise<boolean> {
  const failures: ResourceError[] = [];
  const warnings: ResourceError[] = [];
  const locks = stackLocks(ref);
  const blocking = locks.filter((l) => l.holder !== LockHolder.GONE);
  if (blocking.length > 0) {
    io.err(`\n${lockedMessage(ref, blocking)}\n`);
    return false;
  }
  for (const l of locks) {
    fs.rmSync(l.file, { force: true });
    io.out(
      `stack ${ref.stack}: removed the lock of an earlier run that is no longer running (pulumi pid ${l.pid}, ${l.username}@${l.hostname}, ` +
        `${since(l.timestamp)}); it was killed or crashed before it could release it.\n`,
    );
  }
  // Secrets stay encrypted: the operations are all that is read.
  const [ops, runs] = await Promise.all([exportState(stack.workspace, stack.name).then(pendingOperations), recordedRuns(stack)]);
  const going = runs.find(runIsGoing);
  if (going) {
    io.err(`\n${runningMessage(ref, going)}\n`);
    return false;
  }
  if (ops.length === 0 && runs.length === 0) return true;
  if (ops.length > 0) {
    const creates = ops.filter((o) => o.type === 'creating').length;
    const shown = ops.slice(0, 20).map(describeOperation);
    if (ops.length > shown.length) shown.push(`and ${ops.length - shown.length} more`);
    io.out(
      `stack ${ref.stack}: found ${ops.length} operation${ops.length === 1 ? '' : 's'} interrupted by an earlier run: ${shown.join('; ')}.\n` +
        `Repairing the state before deploying: reading the stack's objects back from the clusters (pulumi refresh)` +
        (creates > 0
          ? ` and dropping the ${creates} unfinished create${creates === 1 ? '' : 's'} from the state; this run applies ${creates === 1 ? 'it' : 'them'} again, ` +
            'and server-side apply adopts any object the interrupted run had already created, so nothing is left behind untracked.\n'
          : '.\n'),
    );
  }
  for (const run of runs) {
    io.out(
      `stack ${ref.stack}: an earlier run (\`${run.command}\`, pid ${run.pid} on ${run.host}, ${since(run.started)}) never recorded its end: ` +
        `it was interrupted, killed or crashed${run.host === os.hostname() ? '' : ' (if it is still going on that host, its stack lock stops this repair)'}. ` +
        'fleetwright runs Pulumi without per-step checkpoints (docs/large-regions.md#checkpoints), ' +
        'so the state may be behind the clusters.\n',
    );
  }
  if (runs.length > 0) {
    io.out(
      "Repairing the state before deploying: reading the stack's objects back from the clusters (pulumi refresh), so that what that run " +
        'changed or deleted is known. Objects it created that the state does not know are adopted by this run (server-side apply) ' +
        (cleanUp ? 'where the fleet still wants them, and deleted where it does not.\n' : 'where the fleet still wants them.\n'),
    );
  }
  try {
    await stack.refresh({
      clearPendingCreates: true,
      color: 'never',
      onEvent: (e) => {
        const f = resourceError(e);
        if (f) failures.push(f);
        const w = resourceDiagnostic(e, 'warning');
        if (w) warnings.push(w);
      },
    });
  } catch (e) {
    const message = (e as Error).message;
    if (isLockError(message)) {
      // Another run took the stack between our check and the refresh.
      const live = stackLocks(ref).filter((l) => l.holder !== LockHolder.GONE);
      const holders = live.length > 0 ? live : locksFromMessage(message);
      io.err(
        `\n${holders.length > 0 ? lockedMessage(ref, holders) : `stack ${ref.stack} is locked by another run; rerun \`${ref.rerun}\`.`}\n`,
      );
      return false;
    }
    const detail = failures.length > 0 && explain ? explain(failures, warnings) : message.split('\n').slice(-10).join('\n');
    io.err(
      `\nstack ${ref.stack}: could not repair what an earlier run left: reading the objects back from the clusters failed:\n` +
        `${detail}\n` +
        `Nothing was deployed. Every cluster of region ${ref.region} must be reachable for the repair; then rerun \`${ref.rerun}\`.\n`,
    );
    return false;
  }
  if (runs.length > 0 && cleanUp && !(await cleanUp(runs))) return false;
  await forgetRuns(stack, runs);
  const left = pendingOperations(await exportState(stack.workspace, stack.name));
  if (left.length > 0) {
    io.err(
      `\nstack ${ref.stack}: ${left.length} interrupted operation${left.length === 1 ? '' : 's'} could not be resolved: ${left.map(describeOperation).join('; ')}.\n` +
        `Nothing was deployed. Rerun \`${ref.rerun}\`; if this persists, run \`pulumi refresh --clear-pending-creates --stack ${ref.stack}\`.\n`,
    );
    return false;
  }
  io.out(`stack ${ref.stack}: state repaired; deploying.\n`);
  return true;
}

/** Whether an engine error is Pulumi's "the stack is currently locked" (a run that took the lock after our check). */
export function isLockError(message: string): boolean {
  return /the stack is currently locked by \d+ lock/.test(message);
}
