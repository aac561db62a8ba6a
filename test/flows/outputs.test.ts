/**
 * What the CLI writes and deletes, through the real CLI process: it only ever replaces or removes
 * what it created, and says why and how to proceed when it refuses.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fleetProject, IMPORT_FLEETWRIGHT, readTree, runCli } from '../cli-process';

jest.setTimeout(120_000);

const FLEET = `import { Bundle, Cluster, Fleet, Source } ${IMPORT_FLEETWRIGHT};
const fleet = new Fleet({ name: 'outputs' });
new Cluster(fleet, 'one', { region: 'east', labels: {} });
new Bundle(fleet, 'app', {
  sources: [Source.objects([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { a: 'b' } }])],
  targets: [{ clusterSelector: {} }],
});
export default fleet;
`;

let project: { dir: string; cleanup: () => void };
const cli = (...args: string[]) => runCli(['--fleet', 'fleet.ts', ...args], { cwd: project.dir });
beforeAll(() => (project = fleetProject({ 'fleet.ts': FLEET, 'notes/todo.txt': 'keep me' })));
afterAll(() => project.cleanup());

describe('synth --out', () => {
  test('writes a new folder, then replaces only its own output', () => {
    const first = cli('synth', '--out', 'dist');
    expect(first).toMatchObject({ code: 0, err: '' });
    expect(first.out).toBe('synthesized 1 clusters, 1 objects, 2 files into dist\n');
    expect(Object.keys(readTree(path.join(project.dir, 'dist'))).sort()).toEqual([
      '.fleetwright-owned.json',
      'east/one/app.yaml',
      'index.json',
    ]);
    expect(cli('synth', '--out', 'dist').code).toBe(0);
  });

  test.each([
    [
      'notes',
      /--out notes \(.*\): the folder holds 1 file\(s\) fleetwright did not write \(e\.g\. todo\.txt\).*Pass a new or empty folder/,
    ],
    [
      '.',
      /--out \. \(.*\): refusing to replace this folder because it is the working directory; pass a dedicated folder such as --out dist/,
    ],
    ['..', /because it contains the working directory/],
    [os.homedir(), /because it is your home folder/],
    ['/', /because it is the root of the file system/],
    ['fleet.ts', /this is a file, not a folder/],
  ])('refuses --out %s, exit 1, and touches nothing', (out, message) => {
    const before = readTree(project.dir);
    const r = cli('synth', '--out', out);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/^\s+at /m);
    expect(readTree(project.dir)).toEqual(before);
  });

  test('refuses a git work tree root other than the working directory', () => {
    const sub = path.join(project.dir, 'sub');
    fs.mkdirSync(sub);
    try {
      const other = runCli(['--fleet', path.join(project.dir, 'fleet.ts'), 'synth', '--out', path.join(project.dir, 'notes', '..')], {
        cwd: os.tmpdir(),
      });
      expect(other.code).toBe(1);
      expect(other.err).toMatch(/because it is the root of a git work tree/);
      expect(fs.existsSync(path.join(project.dir, 'fleet.ts'))).toBe(true);
    } finally {
      fs.rmSync(sub, { recursive: true });
    }
  });

  test('a file added to its own output folder protects the folder', () => {
    fs.writeFileSync(path.join(project.dir, 'dist', 'mine.md'), 'hand-written');
    const r = cli('synth', '--out', 'dist');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/fleetwright did not write: mine\.md; move them out of the folder \(they would be deleted\), then run again/);
    expect(fs.readFileSync(path.join(project.dir, 'dist', 'mine.md'), 'utf8')).toBe('hand-written');
    fs.rmSync(path.join(project.dir, 'dist', 'mine.md'));
  });

  test("an interrupted run's leftovers are removed and reported", () => {
    const leftover = path.join(project.dir, '.dist.fleetwright-tmp-999999999');
    fs.mkdirSync(leftover);
    fs.writeFileSync(path.join(leftover, '.fleetwright-owned.json'), '{"generator":"fleetwright","purpose":"synth","files":[]}');
    const r = cli('synth', '--out', 'dist');
    expect(r.code).toBe(0);
    expect(r.err).toContain(`note: removed ${leftover}, left by an interrupted synth`);
    expect(fs.existsSync(leftover)).toBe(false);
  });
});

describe('import --out', () => {
  const bundle = path.join(__dirname, '..', 'fixtures', 'fleet-bundles', 'raw-overlays');

  test('refuses to overwrite a file without --force, and overwrites with it', () => {
    fs.writeFileSync(path.join(project.dir, 'bundle.ts'), '// mine\n');
    const r = cli('import', bundle, '--out', 'bundle.ts');
    expect(r.code).toBe(1);
    expect(r.err).toBe('error: --out bundle.ts: the file exists; pass --force to overwrite it, or choose another path\n');
    expect(fs.readFileSync(path.join(project.dir, 'bundle.ts'), 'utf8')).toBe('// mine\n');
    const forced = cli('import', bundle, '--out', 'bundle.ts', '--force');
    expect(forced.code).toBe(0);
    expect(fs.readFileSync(path.join(project.dir, 'bundle.ts'), 'utf8')).toContain('new FleetDirectoryBundle(');
  });

  test('refuses a folder', () => {
    const r = cli('import', bundle, '--out', 'notes');
    expect(r.code).toBe(1);
    expect(r.err).toBe('error: --out notes: this is a folder; pass the path of a .ts file to write\n');
  });
});

describe('dev down', () => {
  test('without a local fleet removes nothing, not even a state folder of other files', () => {
    const state = path.join(project.dir, 'state');
    fs.mkdirSync(path.join(state, 'dev'), { recursive: true });
    fs.writeFileSync(path.join(state, 'dev', 'keep.txt'), 'mine');
    const r = runCli(['dev', 'down'], { cwd: project.dir, env: { FLEETWRIGHT_STATE: state } });
    expect(r.code).toBe(0);
    expect(r.out).toBe(`no local fleet in ${path.join(state, 'dev')}; nothing was removed\n`);
    expect(fs.readFileSync(path.join(state, 'dev', 'keep.txt'), 'utf8')).toBe('mine');
  });

  test('dev up refuses a state folder holding files it did not create', () => {
    const state = path.join(project.dir, 'state');
    const r = runCli(['--fleet', 'fleet.ts', 'dev', 'up'], { cwd: project.dir, env: { FLEETWRIGHT_STATE: state } });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /state\/dev holds files that no local fleet of fleetwright created \(no state\.json\); move them away, or set FLEETWRIGHT_STATE/,
    );
    expect(fs.readdirSync(path.join(state, 'dev'))).toEqual(['keep.txt']);
  });
});
