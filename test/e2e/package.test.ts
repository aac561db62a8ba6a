/**
 * fleetwright as a platform team adopts it: the packed tarball, `fleetwright init` with `--from`
 * the tarball, `npm install`, the generated project's own `npm test`, `synth`, a reviewed change
 * (`diff --base HEAD`, exit 2), the local fleet, plain `pulumi up -s` of the project's own
 * TypeScript program, `status`, `dev down`. Everything runs as separate processes in a temporary
 * folder outside this repository, as a user would run them.
 */
import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { git, ROOT } from '../cli-process';

jest.setTimeout(25 * 60_000);

let work: string;
let project: string;
let tarball: string;
const timings: Record<string, number> = {};

/** Runs a command in the project (or `cwd`), timed; returns what it printed. */
function sh(
  name: string,
  cmd: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): SpawnSyncReturns<string> {
  const started = Date.now();
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd ?? project,
    env: { ...process.env, NO_COLOR: '1', CI: 'true', ...opts.env },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    timeout: 15 * 60_000,
  });
  timings[name] = Date.now() - started;
  return r;
}

const output = (r: SpawnSyncReturns<string>): string => `${r.stdout ?? ''}\n${r.stderr ?? ''}`;

function ok(name: string, cmd: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const r = sh(name, cmd, args, opts);
  if (r.status !== 0) throw new Error(`${name}: \`${cmd} ${args.join(' ')}\` exited ${r.status}:\n${output(r)}`);
  return output(r);
}

const fleetwright = (args: readonly string[], env?: NodeJS.ProcessEnv): SpawnSyncReturns<string> =>
  sh(`fleetwright ${args.slice(0, 2).join(' ')}`, path.join(project, 'node_modules', '.bin', 'fleetwright'), args, { env });

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetwright-adopt-'));
  project = path.join(work, 'my-fleet');
  // The package exactly as it would be published (prepare builds lib/).
  const packed = ok('npm pack', 'npm', ['pack', '--silent', '--pack-destination', work], { cwd: ROOT });
  tarball = path.join(work, packed.trim().split('\n')[0].trim());
  expect(fs.existsSync(tarball)).toBe(true);
});

afterAll(() => {
  if (project && fs.existsSync(path.join(project, 'node_modules', '.bin', 'fleetwright'))) {
    sh('dev down', path.join(project, 'node_modules', '.bin', 'fleetwright'), ['dev', 'down', '--quiet']);
  }
  fs.rmSync(work, { recursive: true, force: true });
  // Figures for the closing note.
  process.stdout.write(`adoption timings (ms): ${JSON.stringify(timings)}\n`);
});

test('pack → init → npm install → npm test → synth → diff → dev up → pulumi up → status → dev down', () => {
  const t0 = Date.now();
  // init, from the tarball's own CLI (what `npx --package <tarball> fleetwright init` runs).
  const unpacked = path.join(work, 'unpacked');
  fs.mkdirSync(unpacked);
  ok('untar', 'tar', ['-xzf', tarball, '-C', unpacked], { cwd: work });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(unpacked, 'package', 'node_modules'), 'dir');
  const init = ok(
    'init',
    process.execPath,
    [
      path.join(unpacked, 'package', 'bin', 'fleetwright.js'),
      'init',
      project,
      '--name',
      'my-fleet',
      '--regions',
      'us-west',
      '--from',
      `file:${tarball}`,
    ],
    { cwd: work },
  );
  expect(init).toContain('npm install');
  expect(JSON.parse(fs.readFileSync(path.join(project, 'package.json'), 'utf8')).dependencies.fleetwright).toBe(`file:${tarball}`);

  ok('npm install', 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline']);
  expect(fs.existsSync(path.join(project, 'node_modules', 'fleetwright', 'lib', 'index.js'))).toBe(true);
  // The installed package is the tarball, not a link to this checkout.
  expect(fs.lstatSync(path.join(project, 'node_modules', 'fleetwright')).isSymbolicLink()).toBe(false);

  // As on a developer's machine: the first run writes the region snapshots (CI would refuse to).
  ok('npm test', 'npm', ['test', '--silent', '--', '--ci=false']);

  const synth = fleetwright(['synth']);
  expect(output(synth)).not.toMatch(/error/i);
  expect(synth.status).toBe(0);
  expect(fs.readdirSync(path.join(project, 'dist'))).toContain('us-west');

  // A reviewed change: commit, edit, diff against the commit.
  git(project, 'init', '-q', '-b', 'main');
  git(project, 'add', '-A');
  git(project, 'commit', '-q', '-m', 'fleet');
  const web = path.join(project, 'bundles', 'web.ts');
  const before = fs.readFileSync(web, 'utf8');
  const after = before.replace(/replicas: 3/, 'replicas: 5');
  expect(after).not.toBe(before);
  fs.writeFileSync(web, after);
  const diff = fleetwright(['diff', '--base', 'HEAD']);
  expect({ code: diff.status, err: diff.stderr }).toEqual({ code: 2, err: expect.any(String) });
  expect(diff.stdout).toMatch(/spec\.replicas/);
  expect(diff.stdout).toMatch(/3 → 5|3 -> 5/);
  fs.writeFileSync(web, before);

  // The toolchain scripts ship in the package: the installed CLI lists the cached toolchain.
  const toolchain = fleetwright(['toolchain', 'list']);
  expect(toolchain.status).toBe(0);
  expect(toolchain.stdout).toMatch(/^pulumi\s+3\.259\.0/m);

  // The local fleet, then plain Pulumi on the project's own TypeScript program.
  const dev = fleetwright(['dev', 'up']);
  if (dev.status !== 0) throw new Error(`dev up failed:\n${output(dev)}`);
  expect(dev.stdout).toContain('local-us-west');
  const exports = fleetwright(['env']);
  expect(exports.status).toBe(0);
  const env: Record<string, string> = {};
  for (const m of exports.stdout.matchAll(/^export (\w+)='((?:[^']|'\\'')*)'$/gm)) env[m[1]] = m[2].replace(/'\\''/g, "'");
  expect(env.PULUMI_BACKEND_URL).toBe(`file://${path.join(project, '.fleetwright', 'pulumi')}`);
  expect(exports.stdout).not.toMatch(/PASSPHRASE=/);
  // Plain pulumi keeps Pulumi's per-step checkpoints: only fleetwright's own runs are recorded in flight.
  expect(env.PULUMI_SKIP_CHECKPOINTS).toBeUndefined();
  ok('pulumi up', 'pulumi', ['up', '--yes', '--skip-preview', '--non-interactive', '-s', 'local-us-west'], { env });
  timings.initToDeployed = Date.now() - t0;

  const status = fleetwright(['status', '--local', '--json']);
  expect(status.status).toBe(0);
  const outputs = JSON.parse(status.stdout) as { clusters: Record<string, { bundles: Record<string, { state: string }> }> }[];
  const states = outputs.flatMap((o) => Object.values(o.clusters).flatMap((c) => Object.values(c.bundles).map((b) => b.state)));
  expect(states.length).toBeGreaterThan(0);
  expect(new Set(states)).toEqual(new Set(['Ready']));

  const down = fleetwright(['dev', 'down']);
  expect(down.status).toBe(0);
  expect(down.stdout).toMatch(/local fleet removed/);
  // What the project owns stays.
  for (const f of ['package.json', 'fleet.ts', 'index.ts', 'Pulumi.yaml', 'stacks/Pulumi.us-west.yaml']) {
    expect(fs.existsSync(path.join(project, f))).toBe(true);
  }
  expect(fs.existsSync(path.join(project, 'stacks', 'Pulumi.local-us-west.yaml'))).toBe(false);
});
