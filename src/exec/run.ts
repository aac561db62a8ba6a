/**
 * The one way fleetwright starts processes: every command goes through {@link spawn} or
 * {@link spawnSync} here, with our defaults — no shell, UTF-8 output, a large output buffer, and
 * the caller's environment passed through.
 *
 * Why cross-spawn: it is the spawner execa itself builds on, widely used and maintained, CommonJS
 * with a synchronous call (synthesis runs helm and kustomize synchronously), and a drop-in for
 * node:child_process (same options, results and errors, so timeouts, detached daemons and error
 * messages behave as before). execa 9+, nano-spawn and tinyexec are ESM-only: lib/ could load them
 * with Node ≥ 22.12's require(esm), but jest's module loader cannot, so every test run would need
 * transformIgnorePatterns that push execa's ESM dependency tree through @swc/jest; nano-spawn and
 * tinyexec have no synchronous call at all.
 */
import crossSpawn from 'cross-spawn';
import type { ChildProcess, SpawnOptions, SpawnSyncOptions, SpawnSyncReturns } from 'node:child_process';

export type { ChildProcess, SpawnOptions };

/** The output buffer of {@link spawnSync}: large enough for any chart or synth output (1 GiB). */
export const MAX_BUFFER = 1 << 30;

/** Options of {@link spawnSync}: those of node:child_process, without a shell; output is always text. */
export type SpawnSyncTextOptions = Omit<SpawnSyncOptions, 'shell' | 'encoding'>;

/**
 * Starts a process (no shell; the environment passes through unless `opts.env` is given).
 *
 * @param cmd the program
 * @param args its arguments
 * @param opts node:child_process spawn options (`detached`, `stdio`, `cwd`, …)
 */
export function spawn(cmd: string, args: readonly string[], opts: Omit<SpawnOptions, 'shell'> = {}): ChildProcess {
  return crossSpawn(cmd, args, { env: process.env, ...opts, shell: false });
}

/**
 * Runs a process to completion (no shell; UTF-8 output; a {@link MAX_BUFFER} buffer; the
 * environment passes through unless `opts.env` is given). Like node:child_process, a program that
 * cannot start is reported in `error` (code `ENOENT` when it is missing), not thrown.
 *
 * @param cmd the program
 * @param args its arguments
 * @param opts node:child_process spawnSync options (`cwd`, `stdio`, `input`, `maxBuffer`, …)
 */
export function spawnSync(cmd: string, args: readonly string[], opts: SpawnSyncTextOptions = {}): SpawnSyncReturns<string> {
  return crossSpawn.sync(cmd, args, { env: process.env, maxBuffer: MAX_BUFFER, ...opts, shell: false, encoding: 'utf8' });
}

/** Result of a finished command. */
export interface RunResult {
  /** Exit code. */
  readonly code: number;
  /** Standard output. */
  readonly stdout: string;
  /** Standard error. */
  readonly stderr: string;
}

/**
 * Runs a command to completion without blocking, and captures its output (`input`, when given, is
 * written to its standard input).
 *
 * @param timeoutMs kill the command after this long
 * @default timeoutMs 300000
 */
export function run(
  cmd: string,
  args: readonly string[],
  opts: Omit<SpawnOptions, 'shell' | 'stdio'> & { timeoutMs?: number; input?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const { input, timeoutMs, ...spawnOpts } = opts;
    const child = spawn(cmd, args, { ...spawnOpts, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    child.stdin?.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs ?? 300_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}
