/**
 * The local fleet's light mode (API servers sharing one etcd, no controllers) and the plain
 * `pulumi` CLI: `pulumi up -s local-<region>` runs the project's program through fleetwright's
 * Node.js language host, exactly as a user would without fleetwright's commands.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pulumiEnv, writeLocalStackConfig } from '../../src/deploy/automation';
import { devDown, devStatus, devUp, LocalFleetMode, LocalFleetPaths, readState } from '../../src/dev/local-fleet';
import { alive } from '../../src/dev/tools';
import { defineFleet } from '../../examples/edge-fleet/fleet';
import { e2eStateDir, fleetObjects } from './helpers';

jest.setTimeout(10 * 60_000);

const ROOT = path.resolve(__dirname, '..', '..');
/** The example fleet project the e2e tests deploy from (its Pulumi.yaml, stacks/ and .fleetwright/). */
const PROJECT = path.join(ROOT, 'examples', 'edge-fleet');
const savedState = process.env.FLEETWRIGHT_STATE;
let paths: LocalFleetPaths;

beforeAll(() => {
  process.env.FLEETWRIGHT_STATE = e2eStateDir('light');
  paths = { dir: path.join(process.env.FLEETWRIGHT_STATE, 'dev') };
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed: ${build.stderr}`);
});

afterAll(async () => {
  await devDown(paths, () => undefined);
  fs.rmSync(process.env.FLEETWRIGHT_STATE as string, { recursive: true, force: true });
  fs.rmSync(path.join(PROJECT, 'stacks', 'Pulumi.local-onprem.yaml'), { force: true });
  process.env.FLEETWRIGHT_STATE = savedState;
});

test('dev up --light starts healthy API servers, and a second dev up changes nothing', async () => {
  const first = await devUp(defineFleet(), paths, { mode: LocalFleetMode.LIGHT }, () => undefined);
  expect(first.map((c) => c.name)).toHaveLength(6);
  const lines: string[] = [];
  const second = await devUp(defineFleet(), paths, { mode: LocalFleetMode.LIGHT }, (l) => lines.push(l));
  expect(second).toEqual(first);
  expect(lines.every((l) => l.includes('already running'))).toBe(true);
  expect((await devStatus(paths)).clusters.every((c) => c.healthy)).toBe(true);
});

test('plain `pulumi up -s local-onprem` deploys the region through the language host', async () => {
  writeLocalStackConfig(PROJECT, 'onprem', { 'fleetwright:skipAwait': 'true' });
  const env = { ...process.env, ...pulumiEnv(PROJECT) };
  spawnSync('pulumi', ['stack', 'select', '--create', 'local-onprem', '--non-interactive'], { cwd: PROJECT, env });
  const up = spawnSync('pulumi', ['up', '--yes', '--skip-preview', '-s', 'local-onprem', '--non-interactive'], {
    cwd: PROJECT,
    env,
    encoding: 'utf8',
  });
  if (up.status !== 0) throw new Error(`pulumi up failed:\n${up.stdout}\n${up.stderr}`);
  const kubeconfig = readState(paths)?.clusters['edge-onprem-1'].kubeconfig as string;
  expect(await fleetObjects(kubeconfig, 'edge', ['deployments.apps', 'poddisruptionbudgets.policy'])).toEqual([
    'Deployment/guestbook/guestbook',
    'Deployment/hello/onprem-hello',
    'Deployment/status/status',
    'Deployment/web/web',
    'PodDisruptionBudget/web/web',
  ]);
  const preview = spawnSync('pulumi', ['preview', '--expect-no-changes', '-s', 'local-onprem', '--non-interactive'], {
    cwd: PROJECT,
    env,
    encoding: 'utf8',
  });
  expect(preview.status).toBe(0);
  spawnSync('pulumi', ['stack', 'rm', '--yes', '--force', '--preserve-config', '-s', 'local-onprem'], { cwd: PROJECT, env });
});

test('dev down stops every process it started', async () => {
  const state = readState(paths);
  const pids = [...Object.values(state?.clusters ?? {}).flatMap((c) => c.pids), ...(state?.etcd ? [state.etcd.pid] : [])];
  expect(pids.length).toBe(7);
  await devDown(paths, () => undefined);
  expect(pids.filter(alive)).toEqual([]);
  expect(fs.existsSync(paths.dir)).toBe(false);
});
