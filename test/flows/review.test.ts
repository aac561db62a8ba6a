/**
 * The pull-request review flow through the real CLI process, on real changes in a real git
 * repository: edit, commit, `fleetwright diff --base <ref>`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fleetProject, git, IMPORT_FLEETWRIGHT, runCli, writeFile } from '../cli-process';

jest.setTimeout(120_000);

/** A fleet module: clusters, and one ConfigMap per entry of `configs` on every cluster. */
function fleetModule(opts: { clusters: string[]; configs: Record<string, string>; replicas?: number }): string {
  return `import { ApiObject } from 'cdk8s';
import { Bundle, Cluster, Fleet, Source, valueAt } ${IMPORT_FLEETWRIGHT};
const fleet = new Fleet({ name: 'review' });
${opts.clusters.map((c, i) => `new Cluster(fleet, '${c}', { region: 'r${i % 2}', labels: { env: '${i === 0 ? 'prod' : 'dev'}' } });`).join('\n')}
new Bundle(fleet, 'app', {
  defaultNamespace: 'app',
  values: { replicas: ${opts.replicas ?? 1} },
  sources: [
    Source.chart((chart, ctx) => {
${Object.entries(opts.configs)
  .map(
    ([name, v]) =>
      `      new ApiObject(chart, '${name}', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '${name}' }, data: { v: '${v}', replicas: String(valueAt(ctx.values, 'replicas', 1)) } });`,
  )
  .join('\n')}
    }),
  ],
  targets: [{ name: 'all', clusterSelector: {} }],
});
export default fleet;
`;
}

describe('diff --base <git ref>', () => {
  let project: { dir: string; cleanup: () => void };
  const diff = (...args: string[]) => runCli(['--fleet', 'fleet.ts', 'diff', ...args], { cwd: project.dir });

  beforeAll(() => {
    project = fleetProject({ 'fleet.ts': fleetModule({ clusters: ['alpha', 'beta'], configs: { keep: '1', drop: '1', change: 'old' } }) });
    git(project.dir, 'add', '-A');
    git(project.dir, 'commit', '-qm', 'base');
  });
  afterAll(() => project.cleanup());

  test('no change: exit 0 and says so', () => {
    const r = diff('--base', 'HEAD');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/no change/i);
  });

  test('changed, added and removed objects and clusters in the working tree: exit 2, each named on its cluster', () => {
    writeFile(
      project.dir,
      'fleet.ts',
      fleetModule({ clusters: ['alpha', 'gamma'], configs: { keep: '1', change: 'new', added: '1' }, replicas: 3 }),
    );
    const r = diff('--base', 'HEAD', '--format', 'json');
    expect(r.err).toBe('');
    expect(r.code).toBe(2);
    const report = JSON.parse(r.out) as {
      clustersAdded: string[];
      clustersRemoved: string[];
      groups: { op: string; object: string; clusters: string[] }[];
    };
    expect(report.clustersAdded).toEqual(['gamma']);
    expect(report.clustersRemoved).toEqual(['beta']);
    const text = diff('--base', 'HEAD').out;
    expect(text).toMatch(/changed ConfigMap app\/change \(bundle app\) on alpha\n\s+data\.v: "old" → "new"\n\s+data\.replicas: "1" → "3"/);
    expect(text).toMatch(/DELETE removed ConfigMap app\/drop \(bundle app\) the same change on 2 clusters\n\s+clusters: alpha, beta/);
    expect(text).toMatch(/added ConfigMap app\/added \(bundle app\) the same change on 2 clusters\n\s+clusters: alpha, gamma/);
    expect(text).toContain('clusters added: gamma');
  });

  test('--head <ref> compares two commits; the working tree is not read', () => {
    git(project.dir, 'commit', '-qam', 'head');
    writeFile(project.dir, 'fleet.ts', 'this is not TypeScript (');
    const r = diff('--base', 'HEAD~1', '--head', 'HEAD', '--format', 'markdown');
    expect(r.err).toBe('');
    expect(r.code).toBe(2);
    expect(r.out).toContain('app/added');
    git(project.dir, 'checkout', '-q', '--', 'fleet.ts');
    expect(diff('--base', 'HEAD', '--head', 'HEAD').code).toBe(0);
  });

  test('a fleet module that does not exist at the base ref: everything is added, with a note', () => {
    const r = runCli(['--fleet', 'fleet.ts', 'diff', '--base', 'HEAD~1'], { cwd: project.dir });
    expect(r.code).toBe(2);
    git(project.dir, 'mv', 'fleet.ts', 'fleet2.ts');
    git(project.dir, 'commit', '-qm', 'rename');
    const moved = runCli(['--fleet', 'fleet2.ts', 'diff', '--base', 'HEAD~1'], { cwd: project.dir });
    expect(moved.code).toBe(2);
    expect(moved.err).toContain('note: fleet2.ts does not exist at HEAD~1: every object is new');
    expect(moved.out).toContain('clusters added: alpha, gamma');
    git(project.dir, 'mv', 'fleet2.ts', 'fleet.ts');
    git(project.dir, 'commit', '-qm', 'rename back');
  });

  test('a base ref whose fleet fails to load: exit 1 naming the ref, the fix and the user error', () => {
    writeFile(project.dir, 'fleet.ts', `${fleetModule({ clusters: ['alpha'], configs: {} })}\nthrow new Error('broken on purpose');\n`);
    git(project.dir, 'commit', '-qam', 'broken');
    writeFile(project.dir, 'fleet.ts', fleetModule({ clusters: ['alpha'], configs: {} }));
    const r = diff('--base', 'HEAD');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(
      /^error: synthesizing HEAD \([0-9a-f]{12}\) failed; fix the fleet at that revision or compare against another --base/,
    );
    expect(r.err).toContain('broken on purpose');
    expect(r.err).not.toMatch(/at .*node_modules/);
  });

  test('an unknown ref: exit 1 saying what --base accepts', () => {
    const r = diff('--base', 'no-such-branch');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/'no-such-branch' is neither a synth output folder nor a git ref of .*; pass a branch, tag or commit/);
    expect(r.err.split('\n').filter((l) => l.trim().startsWith('at '))).toEqual([]);
  });

  test('leaves no temporary export behind, whether the base synthesizes or not', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetwright-tmp-'));
    try {
      const env = { TMPDIR: tmp };
      expect(runCli(['--fleet', 'fleet.ts', 'diff', '--base', 'HEAD'], { cwd: project.dir, env }).code).toBe(1);
      expect(runCli(['--fleet', 'fleet.ts', 'diff', '--base', 'HEAD~1'], { cwd: project.dir, env }).code).toBe(2);
      // tsx keeps its compile cache there; fleetwright's own exports are gone.
      expect(fs.readdirSync(tmp).filter((f) => !f.startsWith('tsx-'))).toEqual([]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
