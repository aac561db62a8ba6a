/**
 * A private PostgreSQL server for tests, started and stopped by the project's own
 * `scripts/postgres.sh` (see docs/state-backends.md).
 */
import * as path from 'node:path';
import { run } from '../../src/dev/tools';

const SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'postgres.sh');

/** A running PostgreSQL server of `scripts/postgres.sh`. */
export interface TestPostgres {
  /** `PULUMI_BACKEND_URL` with the password in it. */
  readonly url: string;
  /** `PULUMI_BACKEND_URL` without the password: give Pulumi {@link pgpassFile} as `PGPASSFILE`. */
  readonly urlWithoutPassword: string;
  /** The password of the role `pulumi` (to look for it in output, never to print). */
  readonly password: string;
  /** A PostgreSQL password file holding the password, for `PGPASSFILE`. */
  readonly pgpassFile: string;
  /** The server's TCP port on 127.0.0.1. */
  readonly port: number;
  /** What the script printed for `start` and `stop` (never the password). */
  readonly log: string[];
  /** Stops the server and deletes what the script created in the folder (`stop --purge`). */
  stop(): Promise<void>;
}

async function script(args: readonly string[], log?: string[]): Promise<string> {
  const r = await run('bash', [SCRIPT, ...args], { timeoutMs: 120_000 });
  log?.push(r.stdout, r.stderr);
  // The script prints the password only for `url`, and never on failure: its output is safe to show.
  if (r.code !== 0) throw new Error(`scripts/postgres.sh ${args[0]} failed (exit ${r.code}):\n${r.stderr}${r.stdout}`);
  return r.stdout.trim();
}

/**
 * Starts a PostgreSQL server with its data under `dir` (which the `postgres` user must be able to
 * enter when tests run as root). Call `stop()` when done, also after a failure.
 */
export async function startPostgres(dir: string): Promise<TestPostgres> {
  const log: string[] = [];
  await script(['start', '--dir', dir], log);
  try {
    const url = await script(['url', '--dir', dir]);
    const urlWithoutPassword = await script(['url', '--no-password', '--dir', dir]);
    const parsed = new URL(url);
    return {
      url,
      urlWithoutPassword,
      password: decodeURIComponent(parsed.password),
      pgpassFile: path.join(dir, 'pgpass'),
      port: Number(parsed.port),
      log,
      stop: async () => {
        await script(['stop', '--purge', '--dir', dir], log);
      },
    };
  } catch (e) {
    await script(['stop', '--purge', '--dir', dir], log);
    throw e;
  }
}

/**
 * Stops a server that an earlier, crashed test run left in `dir`, and deletes what the script
 * created there; does nothing when there is none.
 */
export async function stopPostgres(dir: string): Promise<void> {
  await script(['stop', '--purge', '--dir', dir]);
}
