/**
 * Deploy faults converge: the real `fleetwright up` CLI, in its own process as a user runs it,
 * against a local fleet of two real clusters (canary, then prod), through the real Pulumi engine and
 * Kubernetes provider:
 *
 * - a run killed with SIGKILL mid-rollout leaves a stale lock and pending operations; the rerun
 *   repairs both, says so, and converges with nothing orphaned; a third run changes nothing;
 * - without per-step checkpoints (the default), a crash mid-change leaves only the run's record on
 *   the stack; with the change withdrawn, the rerun puts back what the crashed run changed, deletes
 *   the object it created, and converges;
 * - Ctrl-C (SIGINT to the process group) or SIGTERM (to the CLI alone) mid-rollout: the engine
 *   stops after the operations in flight and saves its state, the later partition never starts,
 *   exit 130; with the change withdrawn, the rerun reads back what the cancel cut short and puts
 *   the canary back; Ctrl-C while the stacks are being opened deploys nothing and exits 130;
 * - two concurrent runs on one stack: the second stops at once naming the first, which finishes;
 *   a stale lock from a run on another machine gets the exact command that removes it;
 * - a cluster's API server restarted mid-run: the run succeeds or fails naming the cluster, and a
 *   rerun converges;
 * - a wrong kubeconfig for one cluster: the run fails naming it and its fix, the later partition
 *   is not touched, and no credential appears in any output.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalWorkspace } from '@pulumi/pulumi/automation';
import { parse } from 'yaml';
import { synthesizeFleet } from '../../src/synth/synth';
import { pulumiEnv } from '../../src/deploy/automation';
import { resourceName } from '../../src/deploy/events';
import { RUN_TAG_PREFIX } from '../../src/deploy/journal';
import { LockHolder, pendingOperations, StackRef, stackLocks } from '../../src/deploy/recovery';
import { devDown, devUp, LocalFleetMode, LocalFleetPaths } from '../../src/dev/local-fleet';
import { alive, runOk } from '../../src/dev/tools';
import { defineFaultsFleet, FAULT_CLUSTERS } from './faults-fleet';
import {
  CliProcess,
  CliResult,
  descendants,
  apiserverProcess,
  e2eStateDir,
  fleetObjects,
  kubectl,
  processGroup,
  signalGroup,
  startCli,
  startedCli,
  waitFor,
} from './helpers';

jest.setTimeout(20 * 60_000);

const ROOT = path.resolve(__dirname, '..', '..');
/** The example fleet project the e2e tests deploy from (its Pulumi.yaml, stacks/ and .fleetwright/). */
const PROJECT = path.join(ROOT, 'examples', 'edge-fleet');
const REGION = 'faults';
const STACK = `local-${REGION}`;
const FLEET_MODULE = path.join(__dirname, 'faults-fleet.ts');
const KINDS = ['namespaces', 'configmaps', 'services', 'deployments.apps'];
const { canary: CANARY, prod: PROD } = FAULT_CLUSTERS;

const savedState = process.env.FLEETWRIGHT_STATE;
let state: string;
let paths: LocalFleetPaths;
let kubeconfigs: Record<string, string>;
/** Everything every CLI run printed, checked for credentials at the end. */
const printed: string[] = [];
/** Credentials that must never be printed (besides the kubeconfigs' own). */
const extraSecrets: string[] = [];
/** Processes this file started itself (a restarted API server), stopped in afterAll. */
const ownPids: number[] = [];

const ref = (): StackRef => ({ stack: STACK, region: REGION, project: 'edge-fleet', env: pulumiEnv(PROJECT), rerun: '' });

/** Starts `fleetwright --fleet faults-fleet.ts up --local --region faults` at a variant of the fleet. */
function startUp(variant: string, env: Record<string, string> = {}, extraArgs: readonly string[] = []): CliProcess {
  return startCli(['--fleet', FLEET_MODULE, 'up', '--local', '--region', REGION, ...extraArgs], {
    ...process.env,
    FLEETWRIGHT_STATE: state,
    FAULTS_VARIANT: variant,
    NO_COLOR: '1',
    ...env,
  });
}

/** Waits for a CLI run and keeps its output for the credentials check. */
async function finished(p: CliProcess): Promise<CliResult> {
  const r = await p.done;
  printed.push(r.stdout, r.stderr);
  // FAULTS_LOG=<file> keeps every run's output, for debugging.
  if (process.env.FAULTS_LOG)
    fs.appendFileSync(
      process.env.FAULTS_LOG,
      `\n##### pid ${p.pid}, ${r.ms} ms, exit ${r.code ?? r.signal}\n${r.stdout}\n--- stderr\n${r.stderr}\n`,
    );
  return r;
}

const show = (r: CliResult): string =>
  `exit ${r.code ?? r.signal}\n--- stdout\n${r.stdout.slice(-6000)}\n--- stderr\n${r.stderr.slice(-4000)}`;

/** Fails with the run's output unless it exited with `code`. */
function expectExit(r: CliResult, code: number): void {
  if (r.code !== code) throw new Error(`expected exit ${code}, got ${show(r)}`);
}

/** What synth says each cluster must hold, as `Kind/namespace/name`. */
function desired(variant: string): Record<string, string[]> {
  return Object.fromEntries(
    synthesizeFleet(defineFaultsFleet(variant)).clusters.map((c) => [
      c.name,
      [...c.namespaces, ...c.bundles.flatMap((b) => b.objects)].map((o) => `${o.id.kind}/${o.id.namespace}/${o.id.name}`).sort(),
    ]),
  );
}

/** The fleet's objects on each cluster. */
async function live(): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [c, kc] of Object.entries(kubeconfigs)) out[c] = await fleetObjects(kc, 'faults', KINDS);
  return out;
}

async function exported(): Promise<{ deployment?: unknown }> {
  const stack = await LocalWorkspace.selectStack({ stackName: STACK, workDir: PROJECT }, { envVars: pulumiEnv(PROJECT) });
  return (await stack.exportStack()) as { deployment?: unknown };
}

/** The runs recorded in flight on the stack (its `fleetwright:run-…` tags). */
async function recordedRunTags(): Promise<string[]> {
  const stack = await LocalWorkspace.selectStack({ stackName: STACK, workDir: PROJECT }, { envVars: pulumiEnv(PROJECT) });
  return Object.keys(await stack.workspace.listTags(STACK)).filter((t) => t.startsWith(RUN_TAG_PREFIX));
}

/** The Kubernetes objects the stack's state holds, per cluster, as `Kind/namespace/name`. */
async function inState(): Promise<Record<string, string[]>> {
  const resources =
    (
      (await exported()).deployment as {
        resources?: { urn: string; type: string; outputs?: { kind?: string; metadata?: { name?: string; namespace?: string } } }[];
      }
    ).resources ?? [];
  const out: Record<string, string[]> = Object.fromEntries(Object.keys(kubeconfigs).map((c) => [c, []]));
  for (const r of resources) {
    if (!r.type.startsWith('kubernetes:')) continue;
    const cluster = resourceName(r.urn).split('/')[0];
    (out[cluster] ??= []).push(`${r.outputs?.kind}/${r.outputs?.metadata?.namespace ?? ''}/${r.outputs?.metadata?.name}`);
  }
  for (const c of Object.keys(out)) out[c].sort();
  return out;
}

/** The `variant` a cluster's pod template carries. */
async function templateVariant(cluster: string): Promise<string> {
  return kubectl(
    kubeconfigs[cluster],
    'get',
    '-n',
    'app',
    'deployment',
    'web',
    '-o',
    'jsonpath={.spec.template.metadata.annotations.faults\\.fleetwright\\.io/variant}',
  );
}

/** The `variant` each cluster's ConfigMap and pod template carry. */
async function variants(cluster: string): Promise<[string, string]> {
  const cm = await kubectl(kubeconfigs[cluster], 'get', '-n', 'app', 'configmap', 'settings', '-o', 'jsonpath={.data.variant}');
  return [cm, await templateVariant(cluster)];
}

/** Converged: every desired object on the clusters, the state holding exactly those, nothing pending, no lock. */
async function expectConverged(variant: string): Promise<void> {
  const want = desired(variant);
  expect(await live()).toEqual(want);
  expect(await inState()).toEqual(want);
  expect(pendingOperations(await exported())).toEqual([]);
  expect(stackLocks(ref())).toEqual([]);
  for (const c of Object.keys(kubeconfigs)) expect(await variants(c)).toEqual([variant, variant]);
}

/**
 * From v1, converged, starts `up` of v2 (the ConfigMap and the pod template change, canary then
 * prod) with `extra`, a new ConfigMap; resolves once the canary holds both, its rollout awaited
 * (a slow one: prod cannot have started by then).
 */
async function startMidChange(env: Record<string, string> = {}): Promise<CliProcess> {
  const run = startUp('v2+extra@slow', env);
  await waitFor(
    "the canary's pod template at v2 and its ConfigMap extra created",
    async () =>
      (await templateVariant(CANARY)) === 'v2' &&
      (await kubectl(kubeconfigs[CANARY], 'get', '-n', 'app', 'configmap', 'extra', '--ignore-not-found', '-o', 'name')) !== '',
    180_000,
  );
  expect(run.exited()).toBe(false);
  return run;
}

/**
 * Runs `fn` while `cluster`'s kubeconfig holds credentials its API server does not accept (an
 * expired or revoked token); the good kubeconfig is put back afterwards.
 */
async function withRejectedKubeconfig<T>(cluster: string, fn: () => Promise<T>): Promise<{ token: string; result: T }> {
  const file = kubeconfigs[cluster];
  const good = fs.readFileSync(file, 'utf8');
  const server = /server: (\S+)/.exec(good)?.[1];
  expect(server).toBeDefined();
  const token = `fw-expired-${randomBytes(24).toString('hex')}`;
  extraSecrets.push(token);
  fs.writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      `current-context: ${cluster}`,
      `clusters: [{name: ${cluster}, cluster: {server: '${server}', insecure-skip-tls-verify: true}}]`,
      `contexts: [{name: ${cluster}, context: {cluster: ${cluster}, user: expired}}]`,
      `users: [{name: expired, user: {token: ${token}}}]`,
      '',
    ].join('\n'),
  );
  try {
    return { token, result: await fn() };
  } finally {
    fs.writeFileSync(file, good);
  }
}

/**
 * `kill -9` of a `fleetwright up` process, as a user would: only the CLI. Its pulumi engine goes with
 * it once it next writes to its output or hears from the inline program, both gone. With `crash`,
 * the engine is killed at once too (its process group), as when the machine goes down. The provider
 * plugins run in process groups of their own and would end by themselves within 5 minutes (Pulumi's
 * health check): they are stopped here so the test leaves nothing behind.
 */
async function killRun(p: CliProcess, crash = false): Promise<CliResult> {
  const tree = descendants(p.pid);
  if (crash) signalGroup(p.pid, 'SIGKILL');
  else process.kill(p.pid, 'SIGKILL');
  const r = await finished(p);
  await waitFor(`the engine of the killed run (process group ${p.pid}) to exit`, () => processGroup(p.pid).length === 0, 30_000);
  for (const pid of tree) if (alive(pid)) process.kill(pid, 'SIGKILL');
  await waitFor("the killed run's provider plugins to exit", () => tree.every((pid) => !alive(pid)), 30_000);
  return r;
}

/**
 * Restarts one cluster's kube-apiserver: stops the process (SIGTERM), keeps it down for `downMs`,
 * starts it again with the same command line, and waits until it answers. kwokctl's pid file is
 * updated so that `dev down` stops the new process (and `kwokctl start` does not start another).
 */
async function restartApiserver(cluster: string, downMs: number): Promise<void> {
  const old = apiserverProcess(paths, cluster);
  process.kill(old.pid, 'SIGTERM');
  // A graceful stop drains requests for up to a minute: after 5 s it is stopped the hard way.
  await waitFor(`kube-apiserver of ${cluster} (pid ${old.pid}) to stop`, () => !alive(old.pid), 5_000).catch(() =>
    process.kill(old.pid, 'SIGKILL'),
  );
  await waitFor(`kube-apiserver of ${cluster} (pid ${old.pid}) to stop`, () => !alive(old.pid), 10_000);
  await new Promise((r) => setTimeout(r, downMs));
  const log = fs.openSync(path.join(paths.dir, 'kwok', 'clusters', cluster, 'logs', 'kube-apiserver.log'), 'a');
  const child = spawn(old.argv[0], old.argv.slice(1), { cwd: old.cwd, detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  child.unref();
  if (child.pid === undefined) throw new Error(`could not restart the kube-apiserver of ${cluster}`);
  ownPids.push(child.pid);
  const pidFile = path.join(paths.dir, 'kwok', 'clusters', cluster, 'pids', 'kube-apiserver.pid');
  if (fs.existsSync(pidFile)) fs.writeFileSync(pidFile, String(child.pid));
  await waitFor(
    `kube-apiserver of ${cluster} to answer again`,
    async () => (await kubectl(kubeconfigs[cluster], 'get', '--raw', '/readyz').catch(() => '')) === 'ok',
    60_000,
    500,
  );
  // kube-controller-manager and kube-scheduler exit when an outage outlasts their leader-election
  // lease (10 s); on a real node the kubelet restarts them, here kwokctl starts what is not running.
  await runOk(`starting what stopped in cluster ${cluster}`, 'kwokctl', ['--name', cluster, 'start', 'cluster', '--wait', '120s'], {
    env: { ...process.env, KWOK_WORKDIR: path.join(paths.dir, 'kwok') },
  });
}

/** A kubeconfig's credentials: tokens, passwords, inline keys and certificates, and the lines of the files it references. */
function credentialsOf(file: string): string[] {
  const doc = parse(fs.readFileSync(file, 'utf8')) as { users?: { user?: Record<string, string> }[] };
  const out: string[] = [];
  const pemLines = (pem: string): string[] => pem.split('\n').filter((l) => !l.startsWith('-----') && l.trim().length >= 16);
  for (const { user = {} } of doc.users ?? []) {
    for (const key of ['token', 'password']) if (user[key]) out.push(user[key]);
    for (const key of ['client-key-data', 'client-certificate-data']) {
      if (user[key]) out.push(user[key], ...pemLines(Buffer.from(user[key], 'base64').toString('utf8')));
    }
    for (const key of ['client-key', 'client-certificate']) {
      if (user[key]) out.push(...pemLines(fs.readFileSync(path.resolve(path.dirname(file), user[key]), 'utf8')));
    }
  }
  return out;
}

beforeAll(async () => {
  // lib/ (what bin/fleetwright.js runs) is rebuilt from the sources by jest's globalSetup.
  state = e2eStateDir('faults');
  process.env.FLEETWRIGHT_STATE = state;
  paths = { dir: path.join(state, 'dev') };
  const clusters = await devUp(defineFaultsFleet(), paths, { mode: LocalFleetMode.FULL, nodes: 1 }, () => undefined);
  kubeconfigs = Object.fromEntries(clusters.map((c) => [c.name, c.kubeconfig]));
});

/** Stops runs a failed test left going, with their engines and providers. */
function stopLeftoverRuns(): void {
  for (const p of startedCli) {
    if (p.exited()) continue;
    const tree = descendants(p.pid);
    signalGroup(p.pid, 'SIGKILL');
    for (const pid of tree) if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
}

beforeEach(stopLeftoverRuns);

afterAll(async () => {
  stopLeftoverRuns();
  if (paths) await devDown(paths, () => undefined);
  for (const pid of ownPids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  if (state) fs.rmSync(state, { recursive: true, force: true });
  fs.rmSync(path.join(PROJECT, 'stacks', `Pulumi.${STACK}.yaml`), { force: true });
  process.env.FLEETWRIGHT_STATE = savedState;
});

test('a run with per-step checkpoints killed with SIGKILL mid-rollout: the rerun clears the stale lock and the interrupted operations, converges, and a third run changes nothing', async () => {
  // Pulumi's own checkpoints (fleetwright skips them unless told otherwise): the state records the
  // operations in flight.
  const checkpoints = { PULUMI_SKIP_CHECKPOINTS: 'false' };
  const run = startUp('v1', checkpoints);
  // The canary's Deployment exists: its create is waiting for the rollout (minReadySeconds), the
  // provider is mid-operation. Kill the run as a crash, an OOM kill or a cancelled CI job would.
  await waitFor(
    'the first Deployment to be created',
    async () => (await kubectl(kubeconfigs[CANARY], 'get', '-n', 'app', 'deployment', 'web', '--ignore-not-found', '-o', 'name')) !== '',
    180_000,
  );
  expect(run.exited()).toBe(false);
  const killed = await killRun(run);
  expect(killed.signal).toBe('SIGKILL');

  // What Pulumi left behind: the stack's lock, held by a process that is gone, and pending operations.
  expect(stackLocks(ref()).map((l) => l.holder)).toEqual([LockHolder.GONE]);
  const pending = pendingOperations(await exported());
  expect(pending).toContainEqual({ type: 'creating', urn: expect.stringMatching(/::faults-canary\/app\/Deployment\.apps\/app\/web$/) });

  const rerun = await finished(startUp('v1', checkpoints));
  expectExit(rerun, 0);
  expect(rerun.stdout).toMatch(/stack local-faults: removed the lock of an earlier run that is no longer running \(pulumi pid \d+/);
  expect(rerun.stdout).toMatch(
    new RegExp(
      `stack local-faults: found ${pending.length} operations? interrupted by an earlier run: .*creating Deployment\\.apps app/web on faults-canary`,
    ),
  );
  expect(rerun.stdout).toMatch(/server-side apply adopts any object the interrupted run had already created/);
  expect(rerun.stdout).toMatch(/stack local-faults: state repaired; deploying/);
  // Every desired object on both clusters; the state holds exactly the objects on the clusters.
  await expectConverged('v1');

  const third = await finished(startUp('v1', checkpoints));
  expectExit(third, 0);
  expect(third.stdout).toMatch(/region faults \(stack local-faults\): no changes \(\d+ unchanged\)/);
  expect(third.stdout).not.toMatch(/interrupted|removed the lock/);
});

test('a crash mid-change without per-step checkpoints, the change then withdrawn: the repair deletes what the crashed run created (and stops while a cluster rejects its kubeconfig), puts back what it changed, and converges', async () => {
  const run = await startMidChange();
  // The machine goes down: the CLI and its engine at once, before the engine writes any state.
  await killRun(run, true);

  // The state still says v1 and knows nothing of `extra`, with no pending operation to tell; the
  // run's record on the stack is all that is left of it.
  expect(pendingOperations(await exported())).toEqual([]);
  expect((await inState())[CANARY]).not.toContain('ConfigMap/app/extra');
  expect(await recordedRunTags()).toHaveLength(1);
  // A preview meanwhile says that the state may be behind the clusters.
  const preview = await finished(
    startCli(['--fleet', FLEET_MODULE, 'preview', '--local', '--region', REGION], {
      ...process.env,
      FLEETWRIGHT_STATE: state,
      FAULTS_VARIANT: 'v1',
      NO_COLOR: '1',
    }),
  );
  expect(preview.stderr).toMatch(
    /stack local-faults: a run has not recorded its end \(`fleetwright .*up --local --region faults`, pid \d+ on [^,]+, started [^)]+\): it is still going, or it was interrupted\. This preview compares with a state that may be behind the clusters; the next `up` repairs it first \(`preview --refresh` reads the objects back now\)\./,
  );

  // The repair looks on every cluster for what the crashed run left: with prod's credentials
  // rejected, it still cleans the canary, then stops before deploying, names the cluster and the
  // rerun, and keeps the record.
  const { token, result: blocked } = await withRejectedKubeconfig(PROD, () => finished(startUp('v1')));
  expectExit(blocked, 1);
  expect(blocked.stderr).toMatch(
    /stack local-faults: could not look for objects the interrupted run left behind: faults-prod: .+\nNothing was deployed\. The repair needs every cluster of region faults reachable with its kubeconfig; then rerun `npx fleetwright --fleet \S+faults-fleet\.ts up --region faults --local`\./,
  );
  expect(blocked.stdout).toMatch(
    /stack local-faults: deleted 1 object the interrupted run had created and the fleet no longer wants: ConfigMap app\/extra on faults-canary\./,
  );
  expect(`${blocked.stdout}${blocked.stderr}`).not.toContain(token);
  expect(await recordedRunTags()).toHaveLength(1);

  // The change is withdrawn: the rerun deploys v1 again.
  const rerun = await finished(startUp('v1'));
  expectExit(rerun, 0);
  expect(rerun.stdout).toMatch(
    /stack local-faults: an earlier run \(`fleetwright .*up --local --region faults`, pid \d+ on [^,]+, since [^)]+\) never recorded its end: it was interrupted, killed or crashed/,
  );
  expect(rerun.stdout).toMatch(/stack local-faults: state repaired; deploying/);
  // The canary is back at v1 (pod template and ConfigMap), `extra` is gone, the record too.
  await expectConverged('v1');
  expect(await recordedRunTags()).toEqual([]);

  const third = await finished(startUp('v1'));
  expectExit(third, 0);
  expect(third.stdout).toMatch(/region faults \(stack local-faults\): no changes \(\d+ unchanged\)/);
  expect(third.stdout).not.toMatch(/earlier run|removed the lock/);
});

test.each([
  ['Ctrl-C in a terminal (SIGINT to the process group, the engine included)', 'SIGINT', true, false],
  ['a CI cancel (SIGTERM to the CLI alone: it passes the cancel on to its engine)', 'SIGTERM', false, false],
  ['Ctrl-C with per-step checkpoints (no run record: the message says to rerun with --refresh)', 'SIGINT', true, true],
] as const)(
  '%s mid-change: the engine stops after the operations in flight and saves its state, the later partition is not started, exit 130; withdrawn, the rerun puts the canary back',
  async (_how, signal, group, perStep) => {
    const env: Record<string, string> = perStep ? { PULUMI_SKIP_CHECKPOINTS: 'false' } : {};
    const settingsUid = (): Promise<string> =>
      kubectl(kubeconfigs[CANARY], 'get', '-n', 'app', 'configmap', 'settings', '-o', 'jsonpath={.metadata.uid}');
    const uid = await settingsUid();
    const run = await startMidChange(env);
    if (group) signalGroup(run.pid, signal);
    else process.kill(run.pid, signal);
    const r = await finished(run);
    expectExit(r, 130);
    await waitFor('the engine to exit', () => processGroup(run.pid).length === 0, 30_000);
    expect(r.stderr).toContain(
      `${signal} received: stopping. The engines running finish the operations in flight and save their state; no further stack or partition starts. Press Ctrl-C again to stop at once.`,
    );
    // The canary's rollout was being awaited: the cancel cut it short, and says so.
    expect(r.stderr).toMatch(
      /region faults \(stack local-faults\) was interrupted: its state is saved, but the cancel cut short the operation on faults-canary\/app\/Deployment\.apps\/app\/web, which may have changed the cluster without the state knowing\./,
    );
    expect(r.stderr).toMatch(
      perStep
        ? /without the state knowing\. Rerun with --refresh to read them back: `npx fleetwright --fleet \S+faults-fleet\.ts up --region faults --local --refresh`\./
        : /without the state knowing\. The next run reads the objects back from the clusters first\./,
    );
    expect(r.stderr).toMatch(
      new RegExp(
        `up was interrupted \\(${signal}\\)\\. To finish, rerun \`npx fleetwright --fleet \\S+faults-fleet\\.ts up --region faults --local\`\\.`,
      ),
    );
    // Not a failure to fix: no advice about causes for what the cancel cut short.
    expect(r.stderr).not.toMatch(/fix the cause|did not become Ready/);

    // What finished is in the state (`extra`), nothing is pending, no lock; the later partition was
    // not started; the record stays for what was cut short.
    expect((await inState())[CANARY]).toContain('ConfigMap/app/extra');
    expect(pendingOperations(await exported())).toEqual([]);
    expect(stackLocks(ref())).toEqual([]);
    expect(await variants(PROD)).toEqual(['v1', 'v1']);
    expect(await recordedRunTags()).toHaveLength(perStep ? 0 : 1);

    // The change is withdrawn: the rerun (as the message says) reads the canary back, puts its pod
    // template back to v1 and deletes `extra`.
    const rerun = await finished(startUp('v1', env, perStep ? ['--refresh'] : []));
    expectExit(rerun, 0);
    if (!perStep)
      expect(rerun.stdout).toMatch(
        /stack local-faults: an earlier run \(`fleetwright .*up --local --region faults`, pid \d+ on [^,]+, since [^)]+\) never recorded its end/,
      );
    await expectConverged('v1');
    expect(await recordedRunTags()).toEqual([]);
    // The canary's ConfigMap changed twice, in place: never deleted, so never missing.
    expect(await settingsUid()).toBe(uid);
  },
);

test('Ctrl-C while the stacks are being opened and checked: nothing is deployed, exit 130 with the rerun, no internal error', async () => {
  // Converged at v1; the run would deploy v2. Its first Pulumi CLI call (before any engine) is the signal's cue.
  const run = startUp('v2');
  await waitFor('the first Pulumi call of the run', () => processGroup(run.pid).length > 1, 60_000, 20);
  expect(run.stdout()).not.toContain('=== up');
  signalGroup(run.pid, 'SIGINT');
  const r = await finished(run);
  expectExit(r, 130);
  expect(r.stderr).toMatch(
    /up was interrupted \(SIGINT\)( while its stacks were being opened and checked: nothing was deployed| before anything was deployed|; not started: local-faults)\. To finish, rerun `npx fleetwright --fleet \S+faults-fleet\.ts up --region faults --local`\./,
  );
  expect(r.stderr).not.toMatch(/internal error|bug in fleetwright/);
  // Nothing changed: still v1 everywhere, no lock, no record.
  await expectConverged('v1');
  expect(await recordedRunTags()).toEqual([]);
});

test('two concurrent runs on one stack: the second stops at once naming the first, which finishes', async () => {
  const first = startUp('v2');
  await waitFor('the first run to hold the stack lock', () => stackLocks(ref()).some((l) => l.holder === LockHolder.RUNNING), 120_000, 100);
  const second = await finished(startUp('v2'));
  expectExit(second, 1);
  expect(second.ms).toBeLessThan(30_000);
  expect(second.stderr).toMatch(
    new RegExp(
      `stack local-faults \\(region faults\\) is locked by a deployment that is still running: \`fleetwright --fleet \\S+faults-fleet\\.ts up --local --region faults\` \\(pid ${first.pid}; its pulumi process: pid \\d+`,
    ),
  );
  expect(second.stderr).toMatch(
    /Nothing was changed\. Wait for that run to finish, then rerun `npx fleetwright --fleet \S+ up --region faults --local`/,
  );
  expect(first.exited()).toBe(false);

  const done = await finished(first);
  expectExit(done, 0);
  await expectConverged('v2');
});

test('a stale lock of a run that crashed on another machine: the run names it and the exact command that removes it, which works', async () => {
  // A run that crashed (engine and all) while it held the lock (a no-change run: it holds little else).
  const run = startUp('v2');
  await waitFor('the run to hold the stack lock', () => stackLocks(ref()).length > 0, 120_000, 50);
  await killRun(run, true);
  const [lock] = stackLocks(ref());
  expect(lock).toBeDefined();
  // The same state shared with a CI runner (an NFS or bucket backend): the lock names that host.
  fs.writeFileSync(lock.file, JSON.stringify({ ...JSON.parse(fs.readFileSync(lock.file, 'utf8')), hostname: 'ci-runner-7' }));

  const blocked = await finished(startUp('v2'));
  expectExit(blocked, 1);
  expect(blocked.ms).toBeLessThan(30_000);
  expect(blocked.stderr).toMatch(
    /stack local-faults \(region faults\) is locked by a run on host ci-runner-7 \(pulumi pid \d+, user \S+, since /,
  );
  expect(blocked.stderr).toMatch(/fleetwright cannot check from this machine whether it is still running/);
  const command = /^ {2}(PULUMI_BACKEND_URL=\S+ pulumi cancel --yes --stack organization\/edge-fleet\/local-faults)$/m.exec(
    blocked.stderr,
  )?.[1];
  expect(command).toBeDefined();
  expect(stackLocks(ref())).toHaveLength(1);

  // The user's shell: the toolchain on PATH, none of fleetwright's own Pulumi settings.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^PULUMI_(BACKEND_URL|CONFIG_PASSPHRASE)/.test(k)));
  const cancel = spawnSync('bash', ['-c', command as string], { cwd: PROJECT, env, encoding: 'utf8' });
  printed.push(cancel.stdout, cancel.stderr);
  expect({ status: cancel.status, stderr: cancel.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
  expect(stackLocks(ref())).toEqual([]);

  const after = await finished(startUp('v2'));
  expectExit(after, 0);
  await expectConverged('v2');
});

test('a wrong kubeconfig for one cluster: the run names the cluster and the fix, the later partition is untouched, no credential is printed; fixed, a rerun converges', async () => {
  const { token, result: r } = await withRejectedKubeconfig(CANARY, () => finished(startUp('v4')));
  expectExit(r, 1);
  expect(r.stderr).toMatch(/rollout of region 'faults' failed in partition 'canary' on cluster\(s\) faults-canary:/);
  expect(r.stderr).toMatch(
    /what to do about faults-canary: the API server of faults-canary rejected the credentials in its kubeconfig \(expired or wrong\)\. Give faults-canary a valid kubeconfig: replace \S*faults-canary\.kubeconfig .*; then rerun `npx fleetwright --fleet \S+ up --region faults --local`/,
  );
  expect(r.stderr).toMatch(/later partitions were not touched: prod \(faults-prod\)/);
  // The provider's advice for unreachable clusters would forget objects that still exist: it is countered.
  if (r.stderr.includes('PULUMI_K8S_DELETE_UNREACHABLE')) {
    expect(r.stderr).toMatch(
      /do not set PULUMI_K8S_DELETE_UNREACHABLE: faults-canary answered \(it rejected the credentials\), so it exists/,
    );
  }
  expect(`${r.stdout}${r.stderr}`).not.toContain(token);
  // The prod partition was not touched: it still runs the previous variant.
  expect(await variants(PROD)).toEqual(['v2', 'v2']);

  const rerun = await finished(startUp('v4'));
  expectExit(rerun, 0);
  await expectConverged('v4');
});

// Last of the runs: a restarted API server can leave the cluster's controllers (kwok's simulated
// nodes) stalled for later tests, so nothing that needs the cluster healthy runs after it.
test("a cluster's API server restarted mid-run: the run succeeds or fails naming the cluster, and a rerun converges", async () => {
  const run = startUp('v3');
  // The canary's new pod template is applied: the provider is waiting for its rollout.
  await waitFor('the canary update to be applied', async () => (await templateVariant(CANARY)) === 'v3', 180_000);
  expect(run.exited()).toBe(false);
  await restartApiserver(CANARY, 3_000);
  const r = await finished(run);
  if (r.code !== 0) {
    expectExit(r, 1);
    expect(r.stderr).toMatch(/rollout of region 'faults' failed in partition 'canary' on cluster\(s\) faults-canary/);
    expect(r.stderr).toMatch(/what to do about faults-canary: .*rerun `npx fleetwright --fleet \S+ up --region faults --local`/);
    expect(r.stderr).toMatch(/later partitions were not touched: prod \(faults-prod\)/);
    expectExit(await finished(startUp('v3')), 0);
  }
  await expectConverged('v3');
});

test('no run printed a credential: kubeconfig tokens, keys or certificates, or the state passphrase', () => {
  const secrets = [
    ...Object.values(kubeconfigs).flatMap((f) => credentialsOf(f)),
    ...extraSecrets,
    fs.readFileSync(path.join(state, 'passphrase'), 'utf8').trim(),
  ];
  expect(secrets.length).toBeGreaterThanOrEqual(Object.keys(kubeconfigs).length * 2 + 2);
  const all = printed.join('\n');
  expect(all.length).toBeGreaterThan(1000);
  const leaked = secrets.filter((s) => all.includes(s));
  expect(leaked).toEqual([]);
  expect(all).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
});
