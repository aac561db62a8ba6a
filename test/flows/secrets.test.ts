/**
 * Secret values never leave fleetwright in plain text: marker strings are planted in every place a
 * secret can come from, then every command's output and every file it writes is searched for them,
 * through the real CLI process.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fleetProject, git, IMPORT_FLEETWRIGHT, readTree, runCli, writeFile } from '../cli-process';

jest.setTimeout(180_000);

const b64 = (s: string) => Buffer.from(s).toString('base64');
/** Markers, one per source of secrets. */
const M = {
  value: 'MARK-value-feeds-secret-1',
  object: 'MARK-object-stringdata-2',
  data: 'MARK-object-data-3',
  list: 'MARK-secret-in-list-4',
  env: 'MARK-from-environment-5',
  folder: 'MARK-fleet-folder-6',
  folderData: 'MARK-fleet-folder-data-7',
};
const ALL = Object.values(M);
const leaks = (text: string) => ALL.filter((m) => text.includes(m) || text.includes(b64(m)));

const fleetModule = (version: string) => `import { ApiObject } from 'cdk8s';
import { Bundle, Cluster, Fleet, Source, valueAt } ${IMPORT_FLEETWRIGHT};
const fleet = new Fleet({ name: 'secrets' });
new Cluster(fleet, 'one', { region: 'east', labels: { env: 'prod' } });
new Cluster(fleet, 'two', { region: 'east', labels: { env: 'dev' } });
new Bundle(fleet, 'app', {
  defaultNamespace: 'app',
  values: { db: { password: '${M.value}' }, version: '${version}' },
  sources: [
    Source.chart((chart, ctx) => {
      new ApiObject(chart, 'from-values', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { url: 'postgres://app:' + valueAt(ctx.values, 'db.password', '') + '@db', version: valueAt(ctx.values, 'version', '') } });
      new ApiObject(chart, 'env', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'env' }, stringData: { token: process.env.PLANTED_TOKEN ?? 'unset' } });
    }),
    Source.objects([
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'obj' }, stringData: { a: '${M.object}' }, data: { b: '${b64(M.data)}' } },
      { apiVersion: 'v1', kind: 'List', metadata: { name: 'list' }, items: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'in-list' }, stringData: { c: '${M.list}-' + '${version}' } }] },
    ]),
  ],
  targets: [{ name: 'all', clusterSelector: {} }],
});
export default fleet;
`;

let project: { dir: string; cleanup: () => void };
const env = { PLANTED_TOKEN: M.env };
const cli = (...args: string[]) => runCli(['--fleet', 'fleet.ts', ...args], { cwd: project.dir, env });

beforeAll(() => {
  project = fleetProject({
    'fleet.ts': fleetModule('1'),
    'bundles/legacy/secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: legacy\nstringData:\n  password: ${M.folder}\ndata:\n  key: ${b64(M.folderData)}\n`,
    'bundles/legacy/fleet.yaml': 'defaultNamespace: legacy\n',
  });
  git(project.dir, 'add', '-A');
  git(project.dir, 'commit', '-qm', 'base');
  // A change that touches every Secret, so the diff has something to show for each.
  writeFile(project.dir, 'fleet.ts', fleetModule('2'));
});
afterAll(() => project.cleanup());

test('synth writes Secrets with their keys and no value, anywhere in dist/', () => {
  const r = cli('synth', '--out', 'dist');
  expect(r.code).toBe(0);
  expect(leaks(r.out + r.err)).toEqual([]);
  const files = readTree(path.join(project.dir, 'dist'));
  expect(leaks(Object.values(files).join('\n'))).toEqual([]);
  expect(files['east/one/app.yaml']).toMatch(/kind: Secret[\s\S]*stringData:\n\s+url: <redacted>/);
});

test.each([
  ['targets'],
  ['plan'],
  ['explain one app'],
  ['explain one app --json'],
  ['compare one two'],
  ['diff --base HEAD'],
  ['diff --base HEAD --format json'],
])('%s prints no secret value', (command) => {
  const r = cli(...command.split(' '));
  expect([0, 2]).toContain(r.code);
  expect(r.err.replace(/^note: .*\n/gm, '')).toBe('');
  expect(leaks(r.out + r.err)).toEqual([]);
});

test('explain masks the value that feeds a Secret, and only that one', () => {
  const r = cli('explain', 'one', 'app', '--json');
  const values = (JSON.parse(r.out) as { values: { explained: { path: string; value: unknown }[] } }).values.explained;
  expect(values).toEqual([
    expect.objectContaining({ path: 'db.password', value: '<redacted>' }),
    expect.objectContaining({ path: 'version', value: '2' }),
  ]);
});

test('the diff shows that a Secret changed, by key, without values', () => {
  const r = cli('diff', '--base', 'HEAD');
  expect(r.code).toBe(0);
  // Values are redacted on both sides, so a Secret value change is invisible offline (documented).
  expect(r.out).toMatch(/no change/i);
});

test('render of a Fleet folder with a Secret prints keys, not values', () => {
  const r = runCli(['render', path.join(project.dir, 'bundles', 'legacy')], { cwd: project.dir });
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/kind: Secret/);
  expect(r.out).toMatch(/password: <redacted>/);
  expect(leaks(r.out + r.err)).toEqual([]);
});

test('an error message quoting a secret value that was synthesized hides it', () => {
  const broken = fleetModule('1').replace(
    'export default fleet;',
    `new Bundle(fleet, 'zz-broken', {
  sources: [Source.chart(() => { throw new Error('cannot reach postgres://app:${M.value}@db'); })],
  targets: [{ clusterSelector: {} }],
});
export default fleet;`,
  );
  writeFile(project.dir, 'broken.ts', broken);
  const r = runCli(['--fleet', 'broken.ts', 'synth', '--out', 'dist2'], { cwd: project.dir, env });
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/bundle 'zz-broken' on cluster 'one': chart chart failed: cannot reach <redacted>/);
  expect(leaks(r.out + r.err)).toEqual([]);
  expect(fs.existsSync(path.join(project.dir, 'dist2'))).toBe(false);
});
