/**
 * A private PostgreSQL server for tests, started and stopped by the project's own
 * `scripts/postgres.sh` (see docs/state-backends.md).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from '../../src/exec/run';

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
  /** The keys of Pulumi's objects in the database (`pulumi/.pulumi/stacks/<project>/<stack>.json.gz`, …). */
  keys(): Promise<string[]>;
  /** Stops the server and deletes what the script created in the folder (`stop --purge`). */
  stop(): Promise<void>;
}

/** Debian's `psql` (on PATH with the client package; else next to the newest server). */
function psqlBinary(): string {
  const dirs = fs.existsSync('/usr/lib/postgresql') ? fs.readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
  const server = dirs.map((d) => `/usr/lib/postgresql/${d}/bin/psql`).find((f) => fs.existsSync(f));
  return fs.existsSync('/usr/bin/psql') ? '/usr/bin/psql' : (server ?? 'psql');
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
      keys: async () => {
        const r = await run(
          psqlBinary(),
          [
            '-X',
            '-At',
            '-h',
            '127.0.0.1',
            '-p',
            parsed.port,
            '-U',
            parsed.username,
            '-d',
            parsed.pathname.slice(1),
            '-c',
            'SELECT key FROM pulumi_state ORDER BY key',
          ],
          { timeoutMs: 30_000, env: { ...process.env, PGPASSFILE: path.join(dir, 'pgpass') } },
        );
        if (r.code !== 0) throw new Error(`psql failed (exit ${r.code}): ${r.stderr}`);
        return r.stdout.split('\n').filter(Boolean);
      },
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
