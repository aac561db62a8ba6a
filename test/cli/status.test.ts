/**
 * `status --live` and `dashboard` through the real CLI process, without clusters: every mistake is
 * refused with the flag and the fix, before anything is read or written; clusters that do not
 * answer are reported unreachable (exit 2) without printing their credentials. The reads of real
 * clusters are in test/e2e/status.test.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, runCli } from '../cli-process';
import type { FleetLiveStatus } from '../../src/status/schema';

const PROJECT = path.join(ROOT, 'examples', 'edge-fleet');
const CLUSTERS = ['edge-onprem-1', 'edge-onprem-2', 'edge-us-east-1', 'edge-us-east-2', 'edge-us-west-1', 'edge-us-west-2'];
const TOKEN = 'tok-3f9a1c0e7b5d4e2a9c8b7a6f5e4d3c2b';

let state: string;
const status = (...args: string[]): ReturnType<typeof runCli> =>
  runCli(['status', ...args], { cwd: PROJECT, env: { FLEETWRIGHT_STATE: state } });

beforeEach(() => {
  state = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetwright-status-'));
});
afterEach(() => fs.rmSync(state, { recursive: true, force: true }));

/** Kubeconfigs for every cluster, pointing at a port nothing listens on (default: the local fleet's). */
function deadKubeconfigs(dir = path.join(state, 'dev', 'kubeconfigs')): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const c of CLUSTERS) {
    fs.writeFileSync(
      path.join(dir, `${c}.kubeconfig`),
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{name: ${c}, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]`,
        `users: [{name: admin, user: {token: ${TOKEN}}}]`,
        `contexts: [{name: ${c}, context: {cluster: ${c}, user: admin}}]`,
        `current-context: ${c}`,
        '',
      ].join('\n'),
    );
  }
}

describe('status --live and dashboard refuse mistakes before reading anything', () => {
  test.each([
    [['--live', '--interval', '0'], "--interval takes a number above 0, not '0'"],
    [['--live', '--timeout', 'soon'], "--timeout takes a number above 0, not 'soon'"],
    [['--live', '--concurrency', '-2'], "--concurrency takes a number above 0, not '-2'"],
    [['--html', 'page.html'], '--html needs --live (the stack outputs do not change until the next `up`)'],
    [['--watch'], '--watch needs --live'],
  ])('status %j', (args, message) => {
    const r = status(...args);
    expect(r.code).toBe(1);
    expect(r.err).toContain(message);
  });

  test('dashboard --port outside 0–65535', () => {
    const r = runCli(['dashboard', '--port', '99999'], { cwd: PROJECT, env: { FLEETWRIGHT_STATE: state } });
    expect(r.code).toBe(1);
    expect(r.err).toContain("--port takes a port number from 0 to 65535, not '99999'");
  });

  test('without the local fleet: every cluster without a kubeconfig is named, with `dev up`', () => {
    const r = status('--live', '--local');
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      "cannot read the clusters' status, kubeconfigs are missing; start the local fleet with `npx fleetwright dev up`",
    );
    for (const c of CLUSTERS) expect(r.err).toContain(`cluster '${c}': kubeconfig file`);
  });

  test('--html: a folder, a missing folder, or a file fleetwright did not write is refused and left alone', () => {
    const folder = status('--live', '--local', '--html', state);
    expect(folder.code).toBe(1);
    expect(folder.err).toContain(`--html ${state}: is a folder; give the path of the page to write`);
    const missing = status('--live', '--local', '--html', path.join(state, 'no', 'page.html'));
    expect(missing.code).toBe(1);
    expect(missing.err).toContain(`folder ${path.join(state, 'no')} does not exist`);
    const mine = path.join(state, 'index.html');
    fs.writeFileSync(mine, '<h1>my page</h1>');
    const foreign = status('--live', '--local', '--html', mine);
    expect(foreign.code).toBe(1);
    expect(foreign.err).toContain('the file exists and is not a status page fleetwright wrote; it was left alone');
    expect(fs.readFileSync(mine, 'utf8')).toBe('<h1>my page</h1>');
  });
});

describe('clusters that do not answer', () => {
  test('are reported unreachable with their error, exit 2, and their token is never printed', () => {
    deadKubeconfigs();
    const page = path.join(state, 'status.html');
    const r = status('--live', '--local', '--json', '--timeout', '5', '--html', page);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.out) as FleetLiveStatus;
    expect(doc).toMatchObject({ schemaVersion: 1, kind: 'FleetLiveStatus', fleet: 'edge' });
    expect(doc.summary).toMatchObject({ state: 'Unknown', unreachableClusters: 6 });
    for (const c of CLUSTERS) {
      expect(doc.clusters[c]).toMatchObject({ reachable: false, state: 'Unknown' });
      expect(doc.clusters[c].error).toMatch(/ECONNREFUSED/);
    }
    expect(`${r.out}${r.err}${fs.readFileSync(page, 'utf8')}`).not.toContain(TOKEN);
    const text = status('--live', '--local', '--region', 'onprem', '--timeout', '5');
    expect(text.code).toBe(2);
    expect(text.out).toMatch(/edge-onprem-1: unreachable: .*ECONNREFUSED/);
  });
});

describe('kubeconfigs from the region stack (real clusters)', () => {
  test('are read from the stack config: fleetwright:kubeconfigDir, and missing ones named with the command that sets them', () => {
    // A copy of the example project, so the stack files fleetwright and Pulumi write stay out of the repository.
    const project = path.join(state, 'project');
    fs.cpSync(PROJECT, project, { recursive: true, filter: (src) => !src.includes(`${path.sep}.fleetwright`) });
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(project, 'node_modules'), 'dir');
    const run = (...args: string[]): ReturnType<typeof runCli> =>
      runCli(['status', ...args], { cwd: project, env: { FLEETWRIGHT_STATE: path.join(state, 'fw') } });

    const missing = run('--live', '--region', 'us-west');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain(
      "cluster 'edge-us-west-1': no kubeconfig in the stack config; set it with `pulumi config set --secret --path 'fleetwright:kubeconfigs.edge-us-west-1'",
    );

    deadKubeconfigs(path.join(project, 'kubeconfigs'));
    const stackFile = path.join(project, 'stacks', 'Pulumi.us-west.yaml');
    fs.writeFileSync(
      stackFile,
      fs.readFileSync(stackFile, 'utf8').replace('config:\n', 'config:\n  fleetwright:kubeconfigDir: kubeconfigs\n'),
    );
    const r = run('--live', '--region', 'us-west', '--json', '--timeout', '5');
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.out) as FleetLiveStatus;
    expect(Object.keys(doc.clusters)).toEqual(['edge-us-west-1', 'edge-us-west-2']);
    for (const c of Object.values(doc.clusters)) expect(c.error).toMatch(/ECONNREFUSED/);
    expect(r.out + r.err).not.toContain(TOKEN);
  });
});
