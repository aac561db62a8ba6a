// The package as published: packs it once (npm pack runs prepack and prepare, so lib/ is pruned and
// rebuilt), checks what the tarball holds, resolves its entry points from an unpacked copy the way
// a user's project does, and counts the public API.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..');
const ENTRY_POINTS = ['fleetwright', 'fleetwright/pulumi', 'fleetwright/testing'];
/** Fails when the public API grows past this without a decision to raise it. */
const MAX_PUBLIC_API = 150;

let tmp: string;
let files: string[];
let pkgDir: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetwright-pack-'));
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', tmp], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // npm prints the lifecycle scripts' output before the JSON report.
  const report = JSON.parse(out.slice(out.indexOf('\n[') + 1 || 0)) as { filename: string; files: { path: string }[] }[];
  files = report[0].files.map((f) => f.path).sort();
  // Unpack as <tmp>/consumer/node_modules/fleetwright; its dependencies come from NODE_PATH.
  const modules = path.join(tmp, 'consumer', 'node_modules');
  fs.mkdirSync(modules, { recursive: true });
  execFileSync('tar', ['-xzf', path.join(tmp, report[0].filename), '-C', modules]);
  pkgDir = path.join(modules, 'fleetwright');
  fs.renameSync(path.join(modules, 'package'), pkgDir);
}, 240_000);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** Runs `script` with node in the consumer project; returns its stdout parsed as JSON. */
function inConsumer(script: string): unknown {
  const r = spawnSync(process.execPath, ['-e', script], {
    cwd: path.join(tmp, 'consumer'),
    encoding: 'utf8',
    env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') },
  });
  if (r.status !== 0) throw new Error(`node -e failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('the tarball', () => {
  test.each([
    'lib/index.js',
    'lib/index.d.ts',
    'lib/pulumi/index.js',
    'lib/testing/index.js',
    'bin/fleetwright.js',
    'toolchain/setup.sh',
    'toolchain/env.sh',
    'toolchain/versions.env',
    'README.md',
  ])('holds %s', (file) => {
    expect(files).toContain(file);
  });

  const templates = fs.existsSync(path.join(ROOT, 'templates'));
  (templates ? test : test.skip)('holds templates/project/package.json (fleetwright init)', () => {
    expect(files).toContain('templates/project/package.json');
  });
  if (!templates) test.todo('templates/ does not exist yet: check templates/project/package.json once it does');

  test('holds no sources, tests, dependencies, local state, kubeconfigs, source maps or toolchain binaries', () => {
    const unwanted = files.filter(
      (f) =>
        /^(src|test|node_modules|\.fleetwright|\.pulumi|coverage|docs|examples)\//.test(f) ||
        f.includes('/node_modules/') ||
        f.endsWith('.kubeconfig') ||
        f.endsWith('.map') ||
        /^toolchain\/(bin\/|go\/[^/]+\/bin\/)/.test(f),
    );
    expect(unwanted).toEqual([]);
  });

  test('holds no compiled module without a source in src/ (stale lib/ output)', () => {
    const stale = files
      .filter((f) => f.startsWith('lib/') && f.endsWith('.js'))
      .filter((f) => !fs.existsSync(path.join(ROOT, 'src', f.slice('lib/'.length).replace(/\.js$/, '.ts'))));
    expect(stale).toEqual([]);
  });
});

describe('resolution from a consumer project', () => {
  test('the entry points resolve to lib/', () => {
    const resolved = inConsumer(`console.log(JSON.stringify(${JSON.stringify(ENTRY_POINTS)}.map((e) => require.resolve(e))))`) as string[];
    expect(resolved.map((p) => path.relative(pkgDir, p))).toEqual(['lib/index.js', 'lib/pulumi/index.js', 'lib/testing/index.js']);
  });

  test.each(['fleetwright/lib/model/values', 'fleetwright/lib/index.js', 'fleetwright/src/index'])('%s is not reachable', (internal) => {
    const code = inConsumer(
      `try { require.resolve(${JSON.stringify(internal)}); console.log('null') } catch (e) { console.log(JSON.stringify(e.code)) }`,
    );
    expect(code).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  test('package.json is exported', () => {
    expect(inConsumer(`console.log(JSON.stringify(require('fleetwright/package.json').name))`)).toBe('fleetwright');
  });
});

describe('the public API', () => {
  test(`has named exports only and fewer than ${MAX_PUBLIC_API} names`, () => {
    // Runtime exports: what require() returns.
    const runtime = inConsumer(
      `console.log(JSON.stringify(Object.fromEntries(${JSON.stringify(ENTRY_POINTS)}.map((e) => [e, Object.keys(require(e)).filter((k) => k !== '__esModule')]))))`,
    ) as Record<string, string[]>;
    // Every exported name, values and types, from the declaration files.
    const dts = ['lib/index.d.ts', 'lib/pulumi/index.d.ts', 'lib/testing/index.d.ts'].map((f) => path.join(pkgDir, f));
    const program = ts.createProgram(dts, { noEmit: true, skipLibCheck: true, types: [] });
    const checker = program.getTypeChecker();
    const names: Record<string, string[]> = {};
    ENTRY_POINTS.forEach((entry, i) => {
      const symbol = checker.getSymbolAtLocation(program.getSourceFile(dts[i])!)!;
      names[entry] = checker
        .getExportsOfModule(symbol)
        .map((s) => s.name)
        .sort();
    });
    const total = Object.values(names).reduce((n, l) => n + l.length, 0);
    const lines = ENTRY_POINTS.map((e) => `  ${e}: ${names[e].length} names (${runtime[e].length} at runtime)`);
    console.log(`public API: ${total} names\n${lines.join('\n')}`);

    for (const entry of ENTRY_POINTS) {
      expect(names[entry]).not.toContain('default');
      // Every runtime export is declared.
      expect(runtime[entry].filter((k) => !names[entry].includes(k))).toEqual([]);
    }
    expect(total).toBeLessThan(MAX_PUBLIC_API);
  });
});
