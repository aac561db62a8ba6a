import * as fs from 'node:fs';
import * as path from 'node:path';
import { run, SpawnOptions } from '../exec/run';

/** Thrown when a tool of the toolchain is missing or fails. */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolError';
  }
}

/** The absolute path of a program on PATH. */
export function findTool(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new ToolError(
    `'${name}' is not on PATH; build the toolchain with \`npx fleetwright toolchain setup\` (fleetwright finds it in ~/.cache/fleetwright)`,
  );
}

/** Runs a command and fails with its output when it exits non-zero. */
export async function runOk(
  what: string,
  cmd: string,
  args: readonly string[],
  opts: SpawnOptions & { timeoutMs?: number } = {},
): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    throw new ToolError(
      `${what} failed (exit ${r.code}): ${path.basename(cmd)} ${args.join(' ')}\n${(r.stderr || r.stdout).trim().split('\n').slice(-15).join('\n')}`,
    );
  }
  return r.stdout;
}

/** Whether a process is alive (a zombie, exited but not yet reaped, is not). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** Sleeps. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
