/**
 * `diff --base` in a fleet project (package.json naming the fleet module, found without --fleet):
 * the base revision is read from the git repository holding the project, even from a subfolder,
 * and synthesized with the fleetwright its package-lock.json pins — or the run says why it cannot.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fleetProject, git, IMPORT_FLEETWRIGHT, runCli, writeFile } from '../cli-process';

jest.setTimeout(120_000);

const fleetModule = (replicas: number): string => `import { Bundle, Cluster, Fleet, Source } ${IMPORT_FLEETWRIGHT};
const fleet = new Fleet({ name: 'pinned' });
new Cluster(fleet, 'edge-1', { region: 'eu' });
new Bundle(fleet, 'app', {
  sources: [Source.objects([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app' }, data: { replicas: '${replicas}' } }])],
  targets: [{ clusterSelector: {} }],
});
export default fleet;
`;

/** A package-lock.json pinning fleetwright at `version`, resolved from `resolved`. */
const lockfile = (version: string, resolved: string): string =>
  `${JSON.stringify(
    {
      name: 'pinned-fleet',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { name: 'pinned-fleet', dependencies: { fleetwright: resolved } },
        'node_modules/fleetwright': { version, resolved, integrity: `sha512-${version}` },
      },
    },
    null,
    2,
  )}\n`;

const packageJson = (resolved: string): string =>
  `${JSON.stringify({ name: 'pinned-fleet', private: true, fleetwright: { fleet: 'fleet/fleet.ts' }, dependencies: { fleetwright: resolved } }, null, 2)}\n`;

describe('diff --base in a fleet project', () => {
  let project: { dir: string; cleanup: () => void };
  // The project lives in a subfolder of its repository, as in a monorepo.
  const dir = (): string => path.join(project.dir, 'platform');

  beforeEach(() => {
    project = fleetProject({
      'platform/package.json': packageJson('file:../fleetwright-0.1.0.tgz'),
      'platform/package-lock.json': lockfile('0.1.0', 'file:../fleetwright-0.1.0.tgz'),
      'platform/fleet/fleet.ts': fleetModule(1),
    });
    fs.symlinkSync(path.join(project.dir, 'node_modules'), path.join(dir(), 'node_modules'), 'dir');
    git(project.dir, 'add', '-A');
    git(project.dir, 'commit', '-qm', 'base');
  });
  afterEach(() => project.cleanup());

  test('found from a subfolder without --fleet; the base revision of the same repository; the same pin uses the installed fleetwright', () => {
    writeFile(dir(), 'fleet/fleet.ts', fleetModule(2));
    const r = runCli(['diff', '--base', 'HEAD'], { cwd: path.join(dir(), 'fleet') });
    expect(r.err).toBe('');
    expect(r.code).toBe(2);
    expect(r.out).toContain('changed ConfigMap default/app (bundle app) on edge-1');
    expect(r.out).toContain('data.replicas: "1" → "2"');
  });

  test('a base revision pinning another fleetwright that cannot be installed: exit 1, names the version and what to do', () => {
    // The base commit pins 0.0.1 from a tarball that no longer exists; the working tree pins 0.1.0.
    writeFile(dir(), 'package-lock.json', lockfile('0.0.1', 'file:../gone/fleetwright-0.0.1.tgz'));
    git(project.dir, 'commit', '-qam', 'old pin');
    writeFile(dir(), 'package-lock.json', lockfile('0.1.0', 'file:../fleetwright-0.1.0.tgz'));
    const before = fs.readdirSync(dir()).sort();
    const r = runCli(['diff', '--base', 'HEAD'], { cwd: dir() });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^error: HEAD pins fleetwright 0\.0\.1 \(file:\.\.\/gone\/fleetwright-0\.0\.1\.tgz\) in its package-lock\.json, and installing it failed.*make that version installable/,
    );
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(fs.readdirSync(dir()).sort()).toEqual(before);
  });

  test('outside any fleet project and without --fleet: exit 1, points to fleetwright init', () => {
    fs.rmSync(path.join(dir(), 'package.json'));
    const r = runCli(['diff', '--base', 'HEAD'], { cwd: dir() });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no fleet project here.*npx fleetwright init/);
  });
});
