import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { BIN, CliRun, readTree, ROOT, runCli } from '../cli-process';

/** `runCli`, without blocking: the refusal cases run at once. */
function runCliAsync(args: readonly string[], cwd: string): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8' }, (error, out, err) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out, err }),
    );
  });
}

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetwright-init-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const FILES = [
  '.github/workflows/fleetwright.yml',
  '.gitignore',
  'Pulumi.yaml',
  'README.md',
  'bundles/web.ts',
  'fleet.ts',
  'index.ts',
  'jest.config.js',
  'main.js',
  'package.json',
  'regions/index.ts',
  'stacks/Pulumi.us-east.yaml',
  'stacks/Pulumi.us-west.yaml',
  'test/fleet.test.ts',
  'tsconfig.json',
];

test('init writes a fleet project: package.json with the fleet key and the --from spec, Pulumi.yaml, a stack per region', () => {
  const dir = path.join(tmp, 'my-fleet');
  const r = runCli(['init', dir, '--from', 'file:/tmp/fleetwright-0.1.0.tgz'], { cwd: tmp });
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(r.out).toContain(`next: cd ${path.relative(tmp, dir)} && npm install && npm test`);

  const files = readTree(dir);
  expect(Object.keys(files).sort()).toEqual(FILES);
  const pkg = JSON.parse(files['package.json']) as Record<string, Record<string, string>>;
  expect(pkg.name).toBe('my-fleet');
  expect(pkg.private).toBe(true);
  expect(pkg.fleetwright).toEqual({ fleet: 'fleet.ts' });
  expect(pkg.dependencies.fleetwright).toBe('file:/tmp/fleetwright-0.1.0.tgz');
  expect(pkg.scripts).toEqual({
    synth: 'fleetwright synth',
    test: 'jest',
    typecheck: 'tsc -p .',
    diff: 'fleetwright diff --base origin/main',
  });
  expect(files['Pulumi.yaml']).toMatch(/^name: my-fleet\n/);
  expect(files['Pulumi.yaml']).toContain('\nmain: main.js\n');
  expect(files['main.js']).toContain("require('./index.ts')");
  expect(files['Pulumi.yaml']).toContain('\nstackConfigDir: stacks\n');
  expect(files['stacks/Pulumi.us-west.yaml']).toMatch(/\nconfig:\n {2}fleetwright:region: us-west\n$/);
  expect(files['stacks/Pulumi.us-west.yaml']).toContain("pulumi config set --secret --path 'fleetwright:kubeconfigs.us-west-prod'");
  expect(files['fleet.ts']).toContain("export const REGIONS: readonly string[] = ['us-west', 'us-east'];");
  expect(files['fleet.ts']).toContain("name: 'my-fleet'");
  expect(files['.github/workflows/fleetwright.yml']).toContain("region: ['us-west', 'us-east']");
  expect(files['.github/workflows/fleetwright.yml']).toContain('${{ matrix.region }}');
  // Every placeholder is substituted.
  for (const [file, text] of Object.entries(files)) expect(`${file}: ${text}`).not.toMatch(/\{\{\w+\}\}/);
});

test('without --from the dependency is ^<our version>; --name and --regions eu-west', () => {
  const ours = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const r = runCli(['init', 'x', '--name', '@acme/edge', '--regions', 'eu-west'], { cwd: tmp });
  expect(r.code).toBe(0);
  const files = readTree(path.join(tmp, 'x'));
  expect(Object.keys(files).filter((f) => f.startsWith('stacks/'))).toEqual(['stacks/Pulumi.eu-west.yaml']);
  expect(files['stacks/Pulumi.eu-west.yaml']).toContain('fleetwright:region: eu-west');
  const pkg = JSON.parse(files['package.json']) as { name: string; dependencies: Record<string, string> };
  expect(pkg.name).toBe('@acme/edge');
  expect(pkg.dependencies.fleetwright).toBe(`^${ours}`);
  expect(files['Pulumi.yaml']).toMatch(/^name: edge\n/);
  expect(files['fleet.ts']).toContain("['eu-west']");
});

test('init into an existing empty folder works', () => {
  const r = runCli(['init', '.', '--name', 'edge'], { cwd: tmp });
  expect(r.code).toBe(0);
  expect(r.out).toContain('next: cd . && npm install && npm test');
  expect(fs.existsSync(path.join(tmp, 'fleet.ts'))).toBe(true);
});

test('init refuses a non-empty folder, naming it, and leaves it untouched', () => {
  const dir = path.join(tmp, 'busy');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
  const r = runCli(['init', 'busy'], { cwd: tmp });
  expect(r.code).toBe(1);
  expect(r.out).toBe('');
  expect(r.err).toBe(
    'error: busy is not empty (notes.txt); choose an empty or new folder for the project (init never overwrites or deletes files)\n',
  );
  expect(readTree(dir)).toEqual({ 'notes.txt': 'mine' });
});

test('init refuses a file, a bad --name and a bad region, and writes nothing', async () => {
  fs.writeFileSync(path.join(tmp, 'a-file'), 'x');
  const cases: [string[], RegExp][] = [
    [['init', 'a-file'], /^error: a-file is a file, not a folder; choose an empty or new folder for the project\n$/],
    [['init', 'a-file/sub'], /^error: a-file\/sub: a-file is a file, not a folder; choose an empty or new folder/],
    [
      ['init', 'p', '--name', 'My Fleet'],
      /^error: --name My Fleet: 'My Fleet' must be a DNS label .*; use a name such as my-fleet or @my-org\/my-fleet\n$/,
    ],
    [['init', 'p', '--name', 'a/b/c'], /^error: --name a\/b\/c: it is neither `name` nor `@scope\/name`/],
    [['init', 'Bad_Folder'], /^error: the folder name 'Bad_Folder' cannot be the project's name: .*; pass --name <name>/],
    [['init', 'p', '--regions', 'us-west,US_East'], /^error: --regions: 'US_East' is not a DNS label; use lowercase letters/],
    [['init', 'p', '--regions', `${'r'.repeat(60)}`], /^error: --regions: 'r+' is longer than 54 characters; cluster names such as/],
    [['init', 'p', '--regions', 'a,,b'], /^error: --regions a,,b: an empty region name/],
    [['init', 'p', '--regions', 'a,a'], /^error: --regions: 'a' is given twice/],
    // Every problem at once, one line each.
    [
      ['init', 'a-file', '--name', 'My Fleet', '--regions', 'US_East'],
      /^error: a-file is a file, not a folder.*\nerror: --name My Fleet: .*\nerror: --regions: 'US_East' is not a DNS label.*\n$/,
    ],
  ];
  const runs = await Promise.all(cases.map(([args]) => runCliAsync(args, tmp)));
  cases.forEach(([args, err], i) => {
    expect({ args, code: runs[i].code, err: runs[i].err }).toEqual({ args, code: 1, err: expect.stringMatching(err) });
  });
  expect(fs.readdirSync(tmp)).toEqual(['a-file']);
}, 180_000);

test('init needs no fleet project, and the generated project synthesizes without --fleet', () => {
  const dir = path.join(tmp, 'edge');
  expect(runCli(['init', dir, '--regions', 'eu-west,ap-south'], { cwd: tmp }).code).toBe(0);
  // node_modules: this checkout's dependencies, and fleetwright itself as an installed package.
  const modules = path.join(dir, 'node_modules');
  fs.mkdirSync(modules);
  for (const entry of fs.readdirSync(path.join(ROOT, 'node_modules'))) {
    if (entry !== 'fleetwright') fs.symlinkSync(path.join(ROOT, 'node_modules', entry), path.join(modules, entry));
  }
  fs.symlinkSync(ROOT, path.join(modules, 'fleetwright'), 'dir');

  const r = runCli(['synth'], { cwd: dir });
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(fs.readdirSync(path.join(dir, 'dist')).filter((f) => !f.startsWith('.') && f !== 'index.json')).toEqual(['ap-south', 'eu-west']);
  expect(fs.readdirSync(path.join(dir, 'dist', 'eu-west')).sort()).toEqual(['eu-west-dev', 'eu-west-prod']);
  expect(fs.readFileSync(path.join(dir, 'dist', 'eu-west', 'eu-west-prod', 'web.yaml'), 'utf8')).toContain('replicas: 3');
});
