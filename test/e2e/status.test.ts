/**
 * The truth about a running fleet, end to end: the real `fleetwright` CLI process (as a user runs
 * it, in the example project) against a local fleet of six real clusters. After `up`, everything is
 * Ready; then, each checked with `status --live --json`: a Deployment deleted, a cluster's nodes
 * cordoned and its pods deleted, a field changed with kubectl, an object labelled as the fleet's but
 * not desired, a cluster's API server stopped; `up --refresh` brings everything back and the stack
 * outputs say so. Also the page (`--html`), `--watch` and the dashboard.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { devDown, devUp, LocalFleetMode, LocalFleetPaths } from '../../src/dev/local-fleet';
import { defineFleet } from '../../examples/edge-fleet/fleet';
import type { FleetLiveStatus } from '../../src/status/schema';
import type { FleetStackOutputs } from '../../src/deploy/outputs';
import { apiserverProcess, CliResult, e2eStateDir, kubectl, signalGroup, startCli, startedCli, waitFor } from './helpers';

jest.setTimeout(20 * 60_000);

const ROOT = path.resolve(__dirname, '..', '..');
const PROJECT = path.join(ROOT, 'examples', 'edge-fleet');
const REGIONS = ['onprem', 'us-east', 'us-west'];
const savedState = process.env.FLEETWRIGHT_STATE;
let state: string;
let paths: LocalFleetPaths;
let kubeconfigs: Record<string, string>;
const printed: string[] = [];
const stopped: number[] = [];

async function cli(...args: string[]): Promise<CliResult> {
  const r = await startCli(args, { ...process.env, FLEETWRIGHT_STATE: state, NO_COLOR: '1' }).done;
  printed.push(r.stdout, r.stderr);
  return r;
}

/** `status --live --local --json`: the exit code and the document. */
async function live(...extra: string[]): Promise<{ code: number | null; status: FleetLiveStatus; stderr: string }> {
  const r = await cli('status', '--live', '--local', '--json', ...extra);
  if (r.code === 1) throw new Error(`status --live failed:\n${r.stderr}`);
  return { code: r.code, status: JSON.parse(r.stdout) as FleetLiveStatus, stderr: r.stderr };
}

/** Every (cluster, bundle) that is not Ready, as `cluster/bundle: State`. */
function notReady(status: FleetLiveStatus): string[] {
  return Object.entries(status.clusters).flatMap(([c, cs]) =>
    Object.entries(cs.bundles)
      .filter(([, b]) => b.state !== 'Ready')
      .map(([b, bs]) => `${c}/${b}: ${bs.state}`),
  );
}

/** Polls `status --live` until `check` holds (controllers and the scheduler take a moment). */
async function liveUntil(what: string, check: (s: FleetLiveStatus) => boolean): Promise<{ code: number | null; status: FleetLiveStatus }> {
  let last: { code: number | null; status: FleetLiveStatus } | undefined;
  try {
    return (await waitFor(
      what,
      async () => {
        last = await live();
        return check(last.status) ? last : undefined;
      },
      120_000,
      2_000,
    )) as { code: number | null; status: FleetLiveStatus };
  } catch (e) {
    throw new Error(`${(e as Error).message}; last status: ${JSON.stringify(last && notReady(last.status))}`);
  }
}

beforeAll(async () => {
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed: ${build.stderr}`);
  state = e2eStateDir('status');
  process.env.FLEETWRIGHT_STATE = state;
  paths = { dir: path.join(state, 'dev') };
  const clusters = await devUp(defineFleet(), paths, { mode: LocalFleetMode.FULL, nodes: 1 }, () => undefined);
  kubeconfigs = Object.fromEntries(clusters.map((c) => [c.name, c.kubeconfig]));
  const up = await cli('up', '--local');
  if (up.code !== 0) throw new Error(`up failed:\n${up.stdout.slice(-3000)}\n${up.stderr}`);
});

afterAll(async () => {
  for (const pid of stopped) {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // gone
    }
  }
  for (const p of startedCli) if (!p.exited()) signalGroup(p.pid, 'SIGKILL');
  if (paths) await devDown(paths, () => undefined);
  if (state) fs.rmSync(state, { recursive: true, force: true });
  for (const region of REGIONS) fs.rmSync(path.join(PROJECT, 'stacks', `Pulumi.local-${region}.yaml`), { force: true });
  process.env.FLEETWRIGHT_STATE = savedState;
});

test('after up every bundle is Ready on every cluster (exit 0), and the stack outputs say when they were observed', async () => {
  const { code, status } = await live();
  expect(notReady(status)).toEqual([]);
  expect(code).toBe(0);
  expect(status.summary).toMatchObject({ state: 'Ready', readyClusters: 6, unreachableClusters: 0 });
  expect(Object.keys(status.regions)).toEqual(REGIONS);
  expect(status.bundles.web.display).toBe('6/6');
  const outputs = await cli('status', '--local');
  expect(outputs.code).toBe(0);
  expect(outputs.stdout).toMatch(/region onprem: states observed on the clusters by `up` at \d{4}-\d\d-\d\dT/);
  const json = JSON.parse((await cli('status', '--local', '--json')).stdout) as FleetStackOutputs[];
  for (const o of json) {
    expect(o.schemaVersion).toBe(2);
    expect(o.observedAt).toMatch(/^\d{4}-/);
    for (const c of Object.values(o.clusters)) expect(c).toMatchObject({ state: 'Ready', reachable: true });
  }
});

test('a Deployment deleted on one cluster: that bundle is Modified there only, the object named Missing', async () => {
  await kubectl(kubeconfigs['edge-us-west-1'], '-n', 'web', 'delete', 'deployment', 'web', '--wait=true');
  const { code, status } = await live();
  expect(code).toBe(2);
  expect(notReady(status)).toEqual(['edge-us-west-1/web: Modified']);
  expect(status.clusters['edge-us-west-1'].bundles.web.nonReady).toEqual([
    expect.objectContaining({ kind: 'Deployment', namespace: 'web', name: 'web', state: 'Missing' }),
  ]);
  expect(status.bundles.web.display).toBe('5/6');
  const text = await cli('status', '--live', '--local', '--region', 'us-west');
  expect(text.code).toBe(2);
  expect(text.stdout).toContain('edge-us-west-1 / web: Modified');
  expect(text.stdout).toMatch(/Missing\s+Deployment web\/web: desired, but not on the cluster; `up --refresh` creates it again/);
});

test("a cluster's nodes cordoned and its pods deleted: NotReady with the scheduler's reason", async () => {
  const kc = kubeconfigs['edge-onprem-2'];
  const nodes = (await kubectl(kc, 'get', 'nodes', '-o', 'name')).trim().split('\n');
  await kubectl(kc, 'cordon', ...nodes);
  await kubectl(kc, '-n', 'web', 'delete', 'pods', '--all', '--wait=false');
  const { code, status } = await liveUntil(
    'web on edge-onprem-2 to be NotReady',
    (s) => s.clusters['edge-onprem-2'].bundles.web.state === 'NotReady',
  );
  expect(code).toBe(2);
  const [problem] = status.clusters['edge-onprem-2'].bundles.web.nonReady;
  expect(problem).toMatchObject({ kind: 'Deployment', name: 'web', state: 'NotReady' });
  expect(problem.message).toMatch(/replicas available; pods? web-.*Unschedulable.*node\(s\) were unschedulable/);
  expect(status.clusters['edge-onprem-1'].bundles.web.state).toBe('Ready');
});

test('a field changed with kubectl: Modified with the field, both values and who changed it', async () => {
  await kubectl(kubeconfigs['edge-us-east-1'], '-n', 'web', 'scale', 'deployment', 'web', '--replicas=5');
  const { status } = await live();
  const [problem] = status.clusters['edge-us-east-1'].bundles.web.nonReady;
  expect(problem).toMatchObject({ kind: 'Deployment', name: 'web', state: 'Modified' });
  expect(problem.fields).toEqual([{ path: 'spec.replicas', desired: 3, live: 5, manager: 'kubectl' }]);
  expect(status.clusters['edge-us-east-1'].bundles.web.state).toBe('Modified');
});

test("an object labelled as the fleet's but not desired: Orphaned, and never touched by up", async () => {
  const kc = kubeconfigs['edge-onprem-1'];
  await kubectl(kc, '-n', 'web', 'create', 'configmap', 'left-behind', '--from-literal=a=b');
  await kubectl(
    kc,
    '-n',
    'web',
    'label',
    'configmap',
    'left-behind',
    'fleetwright.io/fleet=edge',
    'fleetwright.io/cluster=edge-onprem-1',
    'fleetwright.io/bundle=retired',
  );
  const { status } = await live();
  expect(status.clusters['edge-onprem-1'].orphaned).toEqual([
    expect.objectContaining({ kind: 'ConfigMap', namespace: 'web', name: 'left-behind', state: 'Orphaned' }),
  ]);
  expect(status.clusters['edge-onprem-1'].state).toBe('Modified');
});

test('--html writes the page; a file fleetwright did not write is refused and left alone', async () => {
  const page = path.join(state, 'status.html');
  const r = await cli('status', '--live', '--local', '--html', page);
  expect(r.code).toBe(2);
  const html = fs.readFileSync(page, 'utf8');
  expect(html).toContain('id="fleet-status"');
  expect(html).toContain('left-behind');
  const mine = path.join(state, 'notes.html');
  fs.writeFileSync(mine, '<p>my notes</p>');
  const refused = await cli('status', '--live', '--local', '--html', mine);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain(`--html ${mine}: the file exists and is not a status page fleetwright wrote`);
  expect(fs.readFileSync(mine, 'utf8')).toBe('<p>my notes</p>');
  const noLive = await cli('status', '--local', '--html', page);
  expect(noLive.code).toBe(1);
  expect(noLive.stderr).toContain('--html needs --live');
});

test("one cluster's API server stopped: that cluster unreachable with its error, the other five reported, exit 2", async () => {
  const apiserver = apiserverProcess(paths, 'edge-us-east-2');
  process.kill(apiserver.pid, 'SIGSTOP');
  stopped.push(apiserver.pid);
  try {
    const started = Date.now();
    const { code, status } = await live('--timeout', '3');
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(code).toBe(2);
    expect(status.clusters['edge-us-east-2']).toMatchObject({ reachable: false, state: 'Unknown', error: 'no answer within 3 s' });
    expect(status.summary.unreachableClusters).toBe(1);
    const others = Object.entries(status.clusters).filter(([c]) => c !== 'edge-us-east-2');
    expect(others).toHaveLength(5);
    for (const [, c] of others) expect(c.reachable).toBe(true);
    expect(status.clusters['edge-us-west-2'].state).toBe('Ready');
  } finally {
    process.kill(apiserver.pid, 'SIGCONT');
  }
});

test('--watch reads again every interval until Ctrl-C', async () => {
  const p = startCli(['status', '--live', '--local', '--region', 'us-west', '--watch', '--interval', '1'], {
    ...process.env,
    FLEETWRIGHT_STATE: state,
    NO_COLOR: '1',
  });
  await waitFor('two reads', () => (p.stdout().match(/^fleet edge:/gm) ?? []).length >= 2, 60_000);
  process.kill(p.pid, 'SIGINT');
  const r = await p.done;
  printed.push(r.stdout, r.stderr);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('next read in 1 s (Ctrl-C to stop)');
});

test('the dashboard serves the page and the JSON on 127.0.0.1, and stops on Ctrl-C', async () => {
  const p = startCli(['dashboard', '--local', '--port', '0', '--interval', '2'], {
    ...process.env,
    FLEETWRIGHT_STATE: state,
    NO_COLOR: '1',
  });
  const url = (await waitFor('the dashboard URL', () => /on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(p.stdout())?.[1], 60_000)) as string;
  const page = await fetch(url);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('id="fleet-status"');
  const json = (await (await fetch(`${url}status.json`)).json()) as FleetLiveStatus;
  expect(json.clusters['edge-onprem-1'].orphaned).toHaveLength(1);
  process.kill(p.pid, 'SIGINT');
  const r = await p.done;
  printed.push(r.stdout, r.stderr);
  expect(r.code).toBe(0);
});

test('up --refresh puts everything back and the outputs say what it found; with the orphan removed, the next up says Ready', async () => {
  const kc = kubeconfigs['edge-onprem-2'];
  const nodes = (await kubectl(kc, 'get', 'nodes', '-o', 'name')).trim().split('\n');
  await kubectl(kc, 'uncordon', ...nodes);
  const before = JSON.parse((await cli('status', '--local', '--json')).stdout) as FleetStackOutputs[];
  const up = await cli('up', '--local', '--refresh');
  expect(up.code).toBe(0);
  // up does not delete what it did not create: the hand-made object is still there, still Orphaned,
  // and the outputs (read by up after deploying) say so.
  const after = await liveUntil('everything but the orphan to be Ready', (s) => notReady(s).length === 0);
  expect(after.status.clusters['edge-onprem-1'].orphaned).toHaveLength(1);
  expect(after.code).toBe(2);
  const observed = JSON.parse((await cli('status', '--local', '--json')).stdout) as FleetStackOutputs[];
  const onprem = observed.find((o) => o.region === 'onprem') as FleetStackOutputs;
  expect(onprem.clusters['edge-onprem-1'].state).toBe('Modified');
  for (const o of observed) {
    const previous = before.find((b) => b.region === o.region) as FleetStackOutputs;
    expect(Date.parse(o.observedAt as string)).toBeGreaterThan(Date.parse(previous.observedAt as string));
  }
  await kubectl(kubeconfigs['edge-onprem-1'], '-n', 'web', 'delete', 'configmap', 'left-behind');
  const clean = await live();
  expect(clean.code).toBe(0);
  expect((await cli('up', '--local', '--region', 'onprem')).code).toBe(0);
  const outputs = JSON.parse((await cli('status', '--local', '--json')).stdout) as FleetStackOutputs[];
  for (const o of outputs) {
    for (const [name, c] of Object.entries(o.clusters)) expect([name, c.state]).toEqual([name, 'Ready']);
  }
  const table = await cli('status', '--local');
  expect(table.code).toBe(0);
  expect(table.stdout).not.toMatch(/Modified|NotReady|Unknown/);
});

test('no credential appears in anything the CLI printed', () => {
  const all = printed.join('\n');
  for (const kc of Object.values(kubeconfigs)) {
    const text = fs.readFileSync(kc, 'utf8');
    for (const m of text.matchAll(/(client-key-data|client-certificate-data|token): (\S+)/g)) expect(all).not.toContain(m[2]);
  }
});
