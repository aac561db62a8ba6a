/**
 * PostgreSQL as shared Pulumi state (the DIY `postgres://` backend), started by the project's own
 * `scripts/postgres.sh`: concurrent updates of different stacks share one database, a second
 * update of the same stack fails at once on the DIY lock and names its holder, and the password
 * of the backend URL shows in no output. See docs/state-backends.md.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { ConcurrentUpdateError, LocalWorkspace, OutputMap, Stack, UpResult } from '@pulumi/pulumi/automation';
import { e2eStateDir } from './helpers';
import { startPostgres, stopPostgres, TestPostgres } from './postgres';

jest.setTimeout(5 * 60_000);

const PROJECT = 'fleetwright-pg-e2e';
/** How long each program waits inside an `apply`, so that the updates overlap. */
const SLEEP_MS = 10_000;
const LOCK_MESSAGE = 'the stack is currently locked by 1 lock(s)';

let dir: string;
let pg: TestPostgres | undefined;
/** Every text Pulumi gave back: update output, errors, results. */
const captured: string[] = [];
/** Updates that may still run when a test fails, awaited before the server stops. */
const pending: Promise<unknown>[] = [];
/** When each program's `apply` started and ended its wait. */
const sleeps = new Map<string, { start: number; end?: number }>();
/** Wall times in milliseconds, printed at the end (figures for docs/state-backends.md). */
const timings: Record<string, number> = {};

/** A component plus a stack output that takes {@link SLEEP_MS} (or `sleepMs`) to resolve. */
function program(stack: string, sleepMs: number): () => Promise<Record<string, unknown>> {
  return async () => {
    class Thing extends pulumi.ComponentResource {
      constructor(name: string) {
        super('fleetwrightpg:index:Thing', name, {}, {});
        this.registerOutputs({});
      }
    }
    const thing = new Thing(stack);
    const name = pulumi.output(stack).apply(async (v) => {
      const s = { start: Date.now(), end: undefined as number | undefined };
      sleeps.set(stack, s);
      await new Promise((r) => setTimeout(r, sleepMs));
      s.end = Date.now();
      return v;
    });
    return { name, urn: thing.urn };
  };
}

/**
 * Records the error text of a Pulumi call (to look for the password in it), then blanks the
 * password out of the error, so that a failing test never prints it.
 */
function captureError(e: unknown): never {
  if (e instanceof Error) {
    captured.push(e.message, e.stack ?? '');
    const password = (pg as TestPostgres).password;
    e.message = e.message.replaceAll(password, '<password>');
    e.stack = e.stack?.replaceAll(password, '<password>');
  } else {
    captured.push(String(e));
  }
  throw e;
}

/** A stack in a workspace folder of its own (as on another machine), against the PostgreSQL backend. */
async function open(stack: string, opts: { sleepMs?: number; env?: Record<string, string> } = {}): Promise<Stack> {
  const workDir = fs.mkdtempSync(path.join(dir, `ws-${stack}-`));
  const opened = LocalWorkspace.createOrSelectStack(
    { stackName: stack, projectName: PROJECT, program: program(stack, opts.sleepMs ?? SLEEP_MS) },
    {
      workDir,
      projectSettings: { name: PROJECT, runtime: 'nodejs' },
      envVars: {
        // A PULUMI_HOME of the test's own: Pulumi records the selected stack there, keyed by backend URL.
        PULUMI_HOME: path.join(dir, 'pulumi-home'),
        PULUMI_BACKEND_URL: (pg as TestPostgres).url,
        PULUMI_CONFIG_PASSPHRASE: 'fleetwright-e2e',
        ...opts.env,
      },
    },
  );
  return opened.catch(captureError);
}

/** A stack's outputs, as `pulumi stack output` reads them back from the database. */
function outputs(stack: Stack): Promise<OutputMap> {
  return stack.outputs().catch(captureError);
}

/** Runs `pulumi up`, capturing everything it prints. */
function up(stack: Stack): Promise<UpResult> {
  const run = stack.up({ onOutput: (s) => captured.push(s), onError: (s) => captured.push(s) }).then((r) => {
    captured.push(r.stdout, r.stderr);
    return r;
  }, captureError);
  pending.push(run.catch(() => undefined));
  return run;
}

/** Whether a process runs `pulumi up` of a stack (from /proc). */
function runsPulumiUp(pid: number, stack: string): boolean {
  try {
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return path.basename(argv[0] ?? '') === 'pulumi' && argv.includes('up') && argv.includes(stack);
  } catch {
    return false;
  }
}

beforeAll(async () => {
  // A server left running by a crashed run would lose its folder below (it then exits within a minute).
  await stopPostgres(path.resolve(__dirname, '..', '..', '.fleetwright', 'e2e', 'postgres', 'postgres'));
  dir = e2eStateDir('postgres');
  // As root the server runs as the `postgres` user, which must be able to enter the folder.
  fs.chmodSync(dir, 0o755);
  const t0 = Date.now();
  pg = await startPostgres(path.join(dir, 'postgres'));
  timings.postgresStart = Date.now() - t0;
});

afterAll(async () => {
  await Promise.all(pending);
  const t0 = Date.now();
  await pg?.stop();
  timings.postgresStopPurge = Date.now() - t0;
  if (pg) expect(fs.existsSync(path.join(dir, 'postgres'))).toBe(false);
  fs.rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`postgres state backend timings (ms): ${JSON.stringify(timings)}\n`);
});

test('two updates of different stacks run at the same time; a second update of one fails at once on its lock', async () => {
  const [a, b] = await Promise.all([open('pg-a'), open('pg-b')]);
  // Not at the same time as the first: two createOrSelectStack of a new stack race (both find no
  // stack, both create it, one fails with StackAlreadyExistsError).
  const aAgain = await open('pg-a', { sleepMs: 0 });
  const started = Date.now();
  const upA = up(a);
  const upB = up(b);
  let aDone = false;
  void upA.finally(() => (aDone = true)).catch(() => undefined);

  // Once both programs wait inside their apply, both stacks are locked by their updates.
  for (let i = 0; !(sleeps.has('pg-a') && sleeps.has('pg-b')); i++) {
    if (i > 600) throw new Error('the programs did not start within 60s');
    await new Promise((r) => setTimeout(r, 100));
  }
  const lockStarted = Date.now();
  const err = await up(aAgain).then(
    () => undefined,
    (e: unknown) => e,
  );
  const lockMs = Date.now() - lockStarted;
  timings.lockedUpFails = lockMs;
  expect(err).toBeInstanceOf(ConcurrentUpdateError);
  const message = (err as Error).message;
  expect(message).toContain(LOCK_MESSAGE);
  expect(message).toContain('`pulumi cancel`');
  // It failed at once, while the first update of the stack still ran.
  expect(aDone).toBe(false);
  expect(lockMs).toBeLessThan(SLEEP_MS / 2);
  // The holder: the lock in the database (URL with the credentials masked), who and which process.
  const holder = new RegExp(
    `postgres://\\*\\*\\*\\*:\\*\\*\\*\\*@127\\.0\\.0\\.1:${pg?.port}/pulumi/\\.pulumi/locks/organization/${PROJECT}/pg-a/[0-9a-f-]+\\.json\\S*: ` +
      `created by ${os.userInfo().username}@${os.hostname()} \\(pid (\\d+)\\) at \\S+`,
  ).exec(message);
  expect(holder).not.toBeNull();
  expect(runsPulumiUp(Number(holder?.[1]), 'pg-a')).toBe(true);

  const [resA, resB] = await Promise.all([upA, upB]);
  timings.twoConcurrentUps = Date.now() - started;
  expect(resA.summary.result).toBe('succeeded');
  expect(resB.summary.result).toBe('succeeded');
  expect(resA.outputs.name.value).toBe('pg-a');
  expect(resB.outputs.name.value).toBe('pg-b');
  // The two updates overlapped: each program waited while the other did.
  const sa = sleeps.get('pg-a') as { start: number; end: number };
  const sb = sleeps.get('pg-b') as { start: number; end: number };
  expect(sa.start < sb.end && sb.start < sa.end).toBe(true);
  expect(Date.now() - started).toBeLessThan(2 * SLEEP_MS + 60_000);
});

test('both states read back from other workspaces', async () => {
  const [a, b] = await Promise.all([open('pg-a'), open('pg-b')]);
  const t0 = Date.now();
  const [outA, outB] = await Promise.all([outputs(a), outputs(b)]);
  timings.twoOutputs = Date.now() - t0;
  expect(outA.name.value).toBe('pg-a');
  expect(outA.urn.value).toBe(`urn:pulumi:pg-a::${PROJECT}::fleetwrightpg:index:Thing::pg-a`);
  expect(outB.name.value).toBe('pg-b');
  expect((await a.workspace.listStacks()).map((s) => s.name).sort()).toEqual(['pg-a', 'pg-b']);
});

test('with the password in PGPASSFILE instead of the URL, updates work and PULUMI_HOME holds no password', async () => {
  const pgpg = pg as TestPostgres;
  const home = path.join(dir, 'pulumi-home-pgpass');
  const a = await open('pg-a', {
    sleepMs: 0,
    env: { PULUMI_HOME: home, PULUMI_BACKEND_URL: pgpg.urlWithoutPassword, PGPASSFILE: pgpg.pgpassFile },
  });
  // The lock of the first update is gone: the stack updates again.
  const t0 = Date.now();
  expect((await up(a)).summary.result).toBe('succeeded');
  timings.upWithPgpass = Date.now() - t0;
  expect((await outputs(a)).name.value).toBe('pg-a');
  const files = fs.readdirSync(home, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
  expect(files.length).toBeGreaterThan(0);
  const holding = files.filter((f) => fs.readFileSync(path.join(f.parentPath, f.name), 'utf8').includes(pgpg.password));
  expect(holding.map((f) => f.name)).toEqual([]);
});

test('the password of the backend URL appears in no output', () => {
  const password = (pg as TestPostgres).password;
  expect(password).toMatch(/^[0-9a-f]{48}$/);
  expect(captured.join('').length).toBeGreaterThan(1000);
  const leaks = captured.filter((t) => t.includes(password));
  expect(leaks).toEqual([]);
  expect(pg?.log.join('')).not.toContain(password);
});
