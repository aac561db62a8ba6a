/**
 * fleetwright's record of the runs in flight on a stack.
 *
 * fleetwright runs the Pulumi engine with `PULUMI_SKIP_CHECKPOINTS`: the state is written once,
 * when a run ends, instead of after every step (the per-step rewrite of the whole state is most of
 * a large stack's run; docs/large-regions.md#checkpoints). A run that ends, even in failure, writes
 * its state; a run killed outright (`kill -9`, an OOM kill, a lost CI runner) leaves the state as
 * it was before the run, with no pending operations to tell. So each run records itself as a stack
 * tag before the engine starts and removes the tag once the engine has written the state. A tag left
 * behind tells the next run that the state may be behind the clusters, and that run repairs the
 * stack before deploying (`prepareStack` in recovery.ts). Stack tags live with the stack in every
 * backend (file, PostgreSQL, S3, Pulumi Cloud), so a run on another machine sees them too.
 */
import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import type { Stack } from '@pulumi/pulumi/automation';

/** Stack tags of runs in flight are named `fleetwright:run-<id>`, one per run. */
export const RUN_TAG_PREFIX = 'fleetwright:run-';

/** Pulumi's limit on a stack tag's value. */
const MAX_TAG_VALUE = 256;

/** A run recorded on a stack. */
export interface RunRecord {
  /** The stack tag that records it. */
  readonly tag: string;
  /** Process id of the fleetwright process that started the run. */
  readonly pid: number;
  /** Host it ran on. */
  readonly host: string;
  /** When it started (RFC 3339). */
  readonly started: string;
  /** The command, for messages (`fleetwright up --region …`). */
  readonly command: string;
}

/**
 * Whether runs skip Pulumi's per-step checkpoints: yes unless the user set
 * `PULUMI_SKIP_CHECKPOINTS` to something other than Pulumi's truthy values (`1`, `true`).
 */
export function skipsCheckpoints(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const value = env.PULUMI_SKIP_CHECKPOINTS;
  return value === undefined || value === '1' || value.toLowerCase() === 'true';
}

/** The tag value of a run: JSON, within Pulumi's 256 characters (the command is shortened to fit). */
export function formatRun(run: Omit<RunRecord, 'tag'>): string {
  const value = (command: string): string => JSON.stringify({ pid: run.pid, host: run.host, started: run.started, command });
  let command = run.command;
  while (value(command).length > MAX_TAG_VALUE && command.length > 1) command = `${command.slice(0, -9)}…`;
  return value(command);
}

/** The runs recorded in a stack's tags; a tag that is not fleetwright's JSON still counts, with what can be read. */
export function parseRuns(tags: Readonly<Record<string, string>>): RunRecord[] {
  return Object.entries(tags)
    .filter(([tag]) => tag.startsWith(RUN_TAG_PREFIX))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([tag, value]) => {
      let v: { pid?: unknown; host?: unknown; started?: unknown; command?: unknown } = {};
      try {
        v = JSON.parse(value) as typeof v;
      } catch {
        // Written by hand or truncated: still a run whose end was not recorded.
      }
      return {
        tag,
        pid: typeof v.pid === 'number' ? v.pid : 0,
        host: typeof v.host === 'string' ? v.host : '?',
        started: typeof v.started === 'string' ? v.started : '?',
        command: typeof v.command === 'string' && v.command ? v.command : 'fleetwright',
      };
    });
}

/** The runs recorded on the stack (those still going and those that never recorded their end). */
export async function recordedRuns(stack: Stack): Promise<RunRecord[]> {
  return parseRuns(await stack.workspace.listTags(stack.name));
}

/** Records a run on the stack before its engine starts. */
export async function beginRun(stack: Stack, command: string): Promise<RunRecord> {
  const run = {
    tag: `${RUN_TAG_PREFIX}${randomBytes(4).toString('hex')}`,
    pid: process.pid,
    host: os.hostname(),
    started: new Date().toISOString(),
    command,
  };
  await stack.workspace.setTag(stack.name, run.tag, formatRun(run));
  return run;
}

/** Removes runs' records: a run whose engine wrote the state, or interrupted runs once the stack is repaired. */
export async function forgetRuns(stack: Stack, runs: readonly RunRecord[]): Promise<void> {
  for (const run of runs) await stack.workspace.removeTag(stack.name, run.tag);
}
