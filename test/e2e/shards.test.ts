/**
 * Sharded region stacks on the local fleet (light mode), through the real CLI: a region grows from
 * one stack to shards and to more shards, a cluster is added, and every cluster that changes stack
 * keeps its objects (same UIDs: nothing deleted or recreated); rollout partitions hold across
 * shards; `status` and `plan` put the region back together; `--shard` runs one shard alone.
 * (No destroy here: light-mode API servers have no garbage collector, so deletes never finish.)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalWorkspace } from '@pulumi/pulumi/automation';
import { pulumiEnv } from '../../src/deploy/automation';
import { regionStacks } from '../../src/deploy/shards';
import { planShards } from '../../src/model/shards';
import { devDown, devUp, LocalFleetMode, LocalFleetPaths, readState } from '../../src/dev/local-fleet';
import { defineShardsFleet, SHARDS_REGION } from './shards-fleet';
import { CliProcess, CliResult, e2eStateDir, kubectl, startCli, waitFor } from './helpers';
import { startPostgres, TestPostgres } from './postgres';

jest.setTimeout(15 * 60_000);

const ROOT = path.resolve(__dirname, '..', '..');
const PROJECT = path.join(ROOT, 'examples', 'edge-fleet');
const FLEET_MODULE = path.join(__dirname, 'shards-fleet.ts');
const savedState = process.env.FLEETWRIGHT_STATE;
let state: string;
let paths: LocalFleetPaths;
let pg: TestPostgres | undefined;
const printed: string[] = [];

/** Starts the CLI on the shards fleet with `clusters` clusters and stacks of `size`. */
function start(args: readonly string[], clusters: number, size: number, extra: NodeJS.ProcessEnv = {}): CliProcess {
  return startCli(['--fleet', FLEET_MODULE, ...args], {
    ...process.env,
    FLEETWRIGHT_STATE: state,
    SHARDS_CLUSTERS: String(clusters),
    SHARDS_SIZE: String(size),
    NO_COLOR: '1',
    ...extra,
  });
}

/** Runs the CLI on the shards fleet with `clusters` clusters and stacks of `size`. */
async function cli(args: readonly string[], clusters: number, size: number, extra: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const r = await start(args, clusters, size, extra).done;
  printed.push(r.stdout, r.stderr);
  // SHARDS_LOG=<file> keeps every run's output, for debugging.
  if (process.env.SHARDS_LOG)
    fs.appendFileSync(
      process.env.SHARDS_LOG,
      `\n##### ${args.join(' ')} (${clusters}/${size}): exit ${r.code}\n${r.stdout}\n--- stderr\n${r.stderr}\n`,
    );
  return r;
}

function expectExit(r: CliResult, code: number): void {
  if (r.code !== code)
    throw new Error(`expected exit ${code}, got ${r.code}\n--- stdout\n${r.stdout.slice(-6000)}\n--- stderr\n${r.stderr.slice(-3000)}`);
}

/** The UIDs of the fleet's ConfigMap and Deployment on each cluster (absent: not there). */
async function uids(clusters: number): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const kubeconfigs = readState(paths)?.clusters ?? {};
  for (let i = 1; i <= clusters; i++) {
    const name = `shards-${i}`;
    const text = await kubectl(
      kubeconfigs[name].kubeconfig,
      'get',
      'configmap/settings',
      'deployment/web',
      '-n',
      'app',
      '--ignore-not-found',
      '-o',
      'jsonpath={.items[*].metadata.uid}',
    );
    if (text.trim()) out[name] = text.trim();
  }
  return out;
}

async function stacks(): Promise<string[]> {
  const ws = await LocalWorkspace.create({ workDir: PROJECT, envVars: pulumiEnv(PROJECT) });
  return regionStacks(ws, `local-${SHARDS_REGION}`);
}

beforeAll(async () => {
  state = e2eStateDir('shards');
  process.env.FLEETWRIGHT_STATE = state;
  paths = { dir: path.join(state, 'dev') };
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed: ${build.stderr}`);
  await devUp(defineShardsFleet(4, 25), paths, { mode: LocalFleetMode.LIGHT }, () => undefined);
});

afterAll(async () => {
  await pg?.stop();
  await devDown(paths, () => undefined);
  fs.rmSync(state, { recursive: true, force: true });
  for (const f of fs.readdirSync(path.join(PROJECT, 'stacks')).filter((f) => f.startsWith(`Pulumi.local-${SHARDS_REGION}`))) {
    fs.rmSync(path.join(PROJECT, 'stacks', f), { force: true });
  }
  process.env.FLEETWRIGHT_STATE = savedState;
});

let before: Record<string, string>;

test('a region within its shard size is one stack', async () => {
  expectExit(await cli(['up', '--local', '--region', SHARDS_REGION], 3, 25), 0);
  before = await uids(3);
  expect(Object.keys(before)).toEqual(['shards-1', 'shards-2', 'shards-3']);
  expect(await stacks()).toEqual(['local-shards']);
});

test('when it outgrows the shard size, up moves its clusters to shard stacks without deleting or recreating anything', async () => {
  const plan = await cli(['plan', '--region', SHARDS_REGION], 3, 2);
  expectExit(plan, 0);
  expect(plan.stdout).toMatch(
    /stacks \(at most 2 clusters each.*\):\n {3}shards\.1: region shards, shard 1 of 2, \d clusters?\n {3}shards\.2: region shards, shard 2 of 2, \d clusters?\n/,
  );
  const r = await cli(['up', '--local', '--region', SHARDS_REGION], 3, 2);
  expectExit(r, 0);
  expect(r.stdout).toMatch(
    /region shards: (shards-\d(, )?)+ moves? from stack local-shards to local-shards\.[12] \(the region has 2 shards now\): local-shards lets go of (its|their) objects, local-shards\.[12] takes them over; nothing is deleted or recreated on the clusters/,
  );
  expect(r.stdout).toContain('region shards: stack local-shards deploys nothing now; `pulumi stack rm local-shards` removes it');
  // The canary partition ran on its shard before any shard ran the rest.
  const canary = r.stdout.indexOf(', partition canary (local fleet)');
  expect(canary).toBeGreaterThan(0);
  expect(r.stdout.search(/=== up region shards, shard \d of 2 \(local fleet\)/)).toBeGreaterThan(canary);
  expect(await uids(3)).toEqual(before);
  expect(await stacks()).toEqual(['local-shards', 'local-shards.1', 'local-shards.2']);
  // One table for the region, all three clusters.
  expect(r.stdout).toMatch(/│ bundle │ shards-1 │ shards-2 │ shards-3 │ ready │/);
  const status = await cli(['status', '--local', '--region', SHARDS_REGION, '--json'], 3, 2);
  expectExit(status, 0);
  const [region] = JSON.parse(status.stdout) as { region: string; clusters: Record<string, unknown>; shard?: unknown }[];
  expect(region.region).toBe(SHARDS_REGION);
  expect(Object.keys(region.clusters)).toEqual(['shards-1', 'shards-2', 'shards-3']);
  expect(region.shard).toBeUndefined();
});

test('a cluster added to a sharded region moves no other cluster', async () => {
  const r = await cli(['up', '--local', '--region', SHARDS_REGION], 4, 2);
  expectExit(r, 0);
  expect(r.stdout).not.toMatch(/ moves? from stack /);
  const now = await uids(4);
  expect(Object.keys(now)).toEqual(['shards-1', 'shards-2', 'shards-3', 'shards-4']);
  for (const c of Object.keys(before)) expect(now[c]).toBe(before[c]);
  before = now;
});

test('--shard runs one shard alone, and refuses while clusters must move', async () => {
  const changed = await cli(['up', '--local', '--region', SHARDS_REGION, '--shard', '1'], 4, 2, { SHARDS_GREETING: 'hi' });
  expectExit(changed, 0);
  expect(changed.stdout).toContain('(stack local-shards.1)');
  expect(changed.stdout).not.toContain('(stack local-shards.2)');
  const wrong = await cli(['up', '--local', '--region', SHARDS_REGION, '--shard', '3'], 4, 2);
  expectExit(wrong, 1);
  expect(wrong.stderr).toContain('--shard 3: region shards has 2 shards, 1 to 2. `npx fleetwright plan --region shards` lists its stacks.');
  const noRegion = await cli(['up', '--local', '--shard', '1'], 4, 2);
  expectExit(noRegion, 1);
  expect(noRegion.stderr).toContain('--shard 1 needs --region: a shard is one stack of one region (`npx fleetwright plan` lists them).');
  // More shards: shard 1 cannot run alone until the moves are done.
  const alone = await cli(['up', '--local', '--region', SHARDS_REGION, '--shard', '1'], 4, 1);
  expectExit(alone, 1);
  expect(alone.stderr).toMatch(
    /stack local-shards\.\d cannot run alone yet: .* must move from stack local-shards\.\d to local-shards\.\d .*Move them first with `npx fleetwright up --region shards --local --move-only`/,
  );
  expect(await uids(4)).toEqual(before);
  // The preview leaves the clusters that will move out, and says so.
  const preview = await cli(['preview', '--local', '--region', SHARDS_REGION], 4, 1, { SHARDS_GREETING: 'hi' });
  expect([0, 2]).toContain(preview.code);
  expect(preview.stdout).not.toMatch(/[1-9]\d* removed/);
  expect(preview.stderr).toMatch(
    /not previewed: shards-\d.* \(moves? from stack local-shards\.\d to local-shards\.\d at the next `up`, objects kept\)/,
  );
  const moved = await cli(['up', '--local', '--region', SHARDS_REGION, '--move-only'], 4, 1, { SHARDS_GREETING: 'hi' });
  expectExit(moved, 0);
  expect(moved.stdout).toContain('nothing was deployed (--move-only)');
  expect(await uids(4)).toEqual(before);
});

test('more shards: the clusters that move keep their objects, and status shows one region', async () => {
  const r = await cli(['up', '--local', '--region', SHARDS_REGION], 4, 1, { SHARDS_GREETING: 'hi' });
  expectExit(r, 0);
  // --move-only did the moves already.
  expect(r.stdout).not.toMatch(/ moves? from stack /);
  expect(await uids(4)).toEqual(before);
  expect(await stacks()).toEqual(['local-shards', 'local-shards.1', 'local-shards.2', 'local-shards.3', 'local-shards.4']);
  const preview = await cli(['preview', '--local', '--region', SHARDS_REGION], 4, 1, { SHARDS_GREETING: 'hi' });
  expectExit(preview, 0);
  const status = await cli(['status', '--local', '--region', SHARDS_REGION], 4, 1, { SHARDS_GREETING: 'hi' });
  expectExit(status, 0);
  expect(status.stdout).toMatch(/│ bundle │ shards-1 │ shards-2 │ shards-3 │ shards-4 │ ready │/);
});

/** The pids of the `pulumi up` engine processes running a stack (from /proc). */
function engines(stack: string): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (path.basename(argv[0] ?? '') === 'pulumi' && argv.includes('up') && argv.some((a) => a === stack || a.endsWith(`/${stack}`)))
        out.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** The `greeting` of the Deployment's pod template on each cluster, in `namespace`. */
async function greetings(clusters: number, namespace: string): Promise<string[]> {
  const kubeconfigs = readState(paths)?.clusters ?? {};
  const out: string[] = [];
  for (let i = 1; i <= clusters; i++) {
    out.push(
      await kubectl(
        kubeconfigs[`shards-${i}`].kubeconfig,
        'get',
        'deployment/web',
        '-n',
        namespace,
        '-o',
        'jsonpath={.spec.template.metadata.annotations.shards\\.fleetwright\\.io/greeting}',
      ),
    );
  }
  return out;
}

test('with state in PostgreSQL, two shards of a region deploy at the same time, and a second run of one shard fails at once naming the run that holds it', async () => {
  // As root the server runs as the `postgres` user, which must be able to enter the folder.
  fs.chmodSync(state, 0o755);
  pg = await startPostgres(path.join(state, 'postgres'));
  // Stacks of their own in the database, and objects in a namespace of their own.
  const env = { PULUMI_BACKEND_URL: pg.url, SHARDS_NAMESPACE: 'app-pg' };
  expectExit(await cli(['up', '--local', '--region', SHARDS_REGION], 4, 2, env), 0);
  const stored = (await pg.keys()).filter((k) => /\/\.pulumi\/stacks\/edge-fleet\/local-shards[^/]*\.json(\.gz)?$/.test(k));
  expect(stored.map((k) => path.basename(k).replace(/\.json(\.gz)?$/, ''))).toEqual(['local-shards.1', 'local-shards.2']);

  // Each shard from its own command, as two CI jobs would: their engines run at the same time.
  let overlapped = false;
  const watch = setInterval(() => {
    if (engines('local-shards.1').length > 0 && engines('local-shards.2').length > 0) overlapped = true;
  }, 50);
  const both = await Promise.all(
    ['1', '2'].map((shard) => cli(['up', '--local', '--region', SHARDS_REGION, '--shard', shard], 4, 2, { ...env, SHARDS_GREETING: 'pg' })),
  ).finally(() => clearInterval(watch));
  for (const r of both) expectExit(r, 0);
  expect(both[0].stdout).toContain('(stack local-shards.1)');
  expect(both[1].stdout).toContain('(stack local-shards.2)');
  expect(overlapped).toBe(true);
  expect(await greetings(4, 'app-pg')).toEqual(['pg', 'pg', 'pg', 'pg']);

  // The same shard twice: the first run holds the stack's lock in the database (its engine is
  // stopped there, so that the second run surely meets it).
  const first = start(['up', '--local', '--region', SHARDS_REGION, '--shard', '1'], 4, 2, { ...env, SHARDS_GREETING: 'pg2' });
  const engine = (await waitFor(
    'the first run to lock stack local-shards.1',
    async () => {
      const [pid] = engines('local-shards.1');
      return pid && (await (pg as TestPostgres).keys()).some((k) => k.includes('/.pulumi/locks/organization/edge-fleet/local-shards.1/'))
        ? pid
        : undefined;
    },
    120_000,
    100,
  )) as number;
  process.kill(engine, 'SIGSTOP');
  let second: CliResult;
  try {
    second = await cli(['up', '--local', '--region', SHARDS_REGION, '--shard', '1'], 4, 2, { ...env, SHARDS_GREETING: 'pg2' });
  } finally {
    process.kill(engine, 'SIGCONT');
  }
  const firstDone = await first.done;
  printed.push(firstDone.stdout, firstDone.stderr);
  expectExit(firstDone, 0);
  expectExit(second, 1);
  expect(second.stderr).toMatch(
    new RegExp(
      // The first run's record on the stack (a stack tag, in the database too) names it before the engine's lock is reached.
      `stack local-shards\\.1 \\(region shards\\) is being deployed by a run that is still going: ` +
        `\`fleetwright --fleet \\S+ up --local --region shards --shard 1\` \\(pid ${first.pid}, [^,]+, since .*\\n` +
        'Nothing was changed\\. Wait for that run to finish, then rerun `npx fleetwright .*up --region shards --shard 1 --local`',
    ),
  );
  expect(second.ms).toBeLessThan(60_000);
  // Only shard 1's clusters changed.
  const [shard1] = planShards(SHARDS_REGION, ['shards-1', 'shards-2', 'shards-3', 'shards-4'], 2);
  expect(await greetings(4, 'app-pg')).toEqual([1, 2, 3, 4].map((i) => (shard1.clusters.includes(`shards-${i}`) ? 'pg2' : 'pg')));
  // The password of the backend URL is in no output.
  for (const p of printed) expect(p).not.toContain(pg.password);
});

test('nothing printed holds a kubeconfig token', () => {
  const tokens = Object.values(readState(paths)?.clusters ?? {}).map(
    (c) => /token: (\S+)/.exec(fs.readFileSync(c.kubeconfig, 'utf8'))?.[1],
  );
  for (const t of tokens.filter((x): x is string => !!x)) for (const p of printed) expect(p).not.toContain(t);
});
