/** `fleetwright render` and `fleetwright import` on Fleet bundle folders. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Construct } from 'constructs';
import { buildProgram } from '../../src/cli/main';
import { Bundle } from '../../src/model/bundle';
import { Cluster } from '../../src/model/cluster';
import { Fleet } from '../../src/model/fleet';
import { BundleTarget } from '../../src/model/targeting';
import { FleetDirectoryBundle } from '../../src/sources/fleet-dir';
import { synthesizeFleet } from '../../src/synth/synth';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'fleet-bundles');

/** A scratch folder inside the project (generated modules resolve its node_modules). */
function scratch(): string {
  fs.mkdirSync(path.join(ROOT, '.fleetwright', 'tmp'), { recursive: true });
  return fs.mkdtempSync(path.join(ROOT, '.fleetwright', 'tmp', 'fleet-bundle-'));
}

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const result = { exitCode: 0 };
  const program = buildProgram({ out: (t) => (out += t), err: (t) => (err += t) }, result);
  try {
    await program.parseAsync(['node', 'fleetwright', ...args]);
  } catch (e) {
    return { code: 1, out, err: err || (e as Error).message };
  }
  return { code: result.exitCode, out, err };
}

test('render prints what a bundle folder yields for a cluster, without fleetwright labels', async () => {
  const r = await run('render', path.join(FIXTURES, 'raw-overlays'), '--label', 'env=test', '--name', 'edge-1');
  expect(r.code).toBe(0);
  expect(r.out).toMatchSnapshot();
  expect(r.out).not.toContain('fleetwright.io');
});

test('render says when targets exclude the cluster, and which fleet.yaml keys it ignores', async () => {
  const dir = scratch();
  try {
    fs.writeFileSync(
      path.join(dir, 'fleet.yaml'),
      'correctDrift:\n  enabled: true\ntargetCustomizations:\n  - name: no-dev\n    clusterSelector: {matchLabels: {env: dev}}\n    doNotDeploy: true\n',
    );
    fs.writeFileSync(path.join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n');
    const r = await run('render', dir, '--label', 'env=dev');
    expect(r.out).toBe('');
    expect(r.err).toContain('note: fleet.yaml key correctDrift (line 1)');
    expect(r.err).toContain('exclude cluster local; nothing to render');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('render rejects a malformed label', async () => {
  const r = await run('render', path.join(FIXTURES, 'raw-overlays'), '--label', 'env');
  expect(r.code).toBe(1);
  expect(r.err).toContain('--label env: use key=value');
});

test('import writes a typed module that synthesizes exactly what the folder does', async () => {
  const dir = scratch();
  try {
    const out = path.join(dir, 'orders.ts');
    const r = await run(
      'import',
      path.join(FIXTURES, 'helm-values'),
      '--out',
      out,
      '--import-from',
      path.relative(dir, path.join(ROOT, 'src')),
    );
    expect(r.code).toBe(0);
    const code = fs.readFileSync(out, 'utf8');
    expect(code).toContain('export function defineHelmValuesBundle(scope: Construct');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(out) as { defineHelmValuesBundle: (scope: Construct, targets?: readonly BundleTarget[]) => Bundle };
    const build = (define: (fleet: Fleet) => void): string[] => {
      const fleet = new Fleet({ name: 'imp' });
      for (const env of ['dev', 'prod']) new Cluster(new Construct(fleet, env), `${env}-1`, { region: 'r', labels: { env, region: 'r1' } });
      define(fleet);
      return synthesizeFleet(fleet).clusters.flatMap((c) => c.bundles.flatMap((b) => b.objects.map((o) => o.yaml)));
    };
    const all = [{ clusterSelector: {} }];
    const imported = build((f) => mod.defineHelmValuesBundle(f, all));
    expect(imported).toHaveLength(2);
    expect(imported).toEqual(
      build((f) => new FleetDirectoryBundle(f, 'helm-values', { dir: path.join(FIXTURES, 'helm-values'), targets: all })),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
