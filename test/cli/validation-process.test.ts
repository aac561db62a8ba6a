/**
 * Bad fleets through the real CLI process (bin/fleetwright.js on the built lib/): exit code 1, the
 * message, no stack trace, nothing written.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fleetProject, IMPORT_FLEETWRIGHT, runCli, ROOT } from '../cli-process';

jest.setTimeout(180_000);

const LIB = JSON.stringify(path.join(ROOT, 'lib'));

/** A JavaScript fleet module: no types at all, so only the runtime schemas stand between it and synthesis. */
const jsFleet = (body: string) => `const { Bundle, Cluster, Fleet, Source } = require(${LIB});
const fleet = new Fleet({ name: 'js' });
new Cluster(fleet, 'edge-1', { region: 'us-west', labels: { env: 'prod' } });
new Cluster(fleet, 'edge-2', { region: 'us-west', labels: { env: 'dev' } });
const cm = (name) => Source.objects([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: {} }]);
${body}
module.exports = { default: fleet };
`;

const tsFleet = (rollout: string) => `import { Bundle, Cluster, Fleet, Source } ${IMPORT_FLEETWRIGHT};
const fleet = new Fleet({ name: 'ts', rolloutStrategy: { ${rollout} } });
new Cluster(fleet, 'edge-1', { region: 'us-west' });
new Bundle(fleet, 'web', {
  sources: [Source.objects([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' }, data: {} }])],
  targets: [{ clusterSelector: {} }],
});
export default fleet;
`;

describe('invalid props through the CLI', () => {
  let project: { dir: string; cleanup: () => void };
  beforeAll(() => {
    project = fleetProject({
      'selector.js': jsFleet(
        "new Bundle(fleet, 'prod-only', { sources: [cm('p')], targets: [{ clusterSelector: 'env=prod' }] });\n" +
          "new Bundle(fleet, 'web', { sources: [cm('w')], targets: [{ clusterSelecter: {} }] });",
      ),
      'operator.js': jsFleet(
        "new Bundle(fleet, 'web', { sources: [cm('w')], targets: [{ clusterSelector: { matchExpressions: [{ key: 'env', operator: 'Equals', values: ['prod'] }] } }] });",
      ),
      'region.js': jsFleet(
        "new Cluster(fleet, 'edge-3', { labels: { env: 'dev' } });\nnew Bundle(fleet, 'web', { sources: [cm('w')], targets: [{ clusterSelector: {} }] });",
      ),
      'circular.js': jsFleet(
        "const v = { image: { tag: '1' } }; v.image.self = v;\nnew Bundle(fleet, 'web', { values: v, sources: [cm('w')], targets: [{ clusterSelector: {} }] });",
      ),
      'typed-wrong.ts': tsFleet("autoPartitionThreshold: 'three'"),
      'typed-ok.ts': tsFleet('autoPartitionThreshold: 3'),
    });
  });
  afterAll(() => project.cleanup());

  const synth = (...args: string[]) => {
    const out = path.join(project.dir, 'dist');
    const r = runCli([...args, 'synth', '--out', out], { cwd: project.dir });
    return { ...r, wrote: fs.existsSync(out) };
  };
  const noStack = (text: string) => expect(text).not.toMatch(/^\s+at .*(\.js|\.ts):\d+/m);

  test('a string clusterSelector and a misspelled key: every problem, exit 1, nothing written', () => {
    const r = synth('--fleet', 'selector.js');
    expect(r).toMatchObject({ code: 1, wrote: false, out: '' });
    expect(r.err).toBe(
      "error: bundle 'prod-only': targets[0].clusterSelector is 'env=prod' (a string), but must be a label selector object with matchLabels and/or matchExpressions; a selector is not a string: write { matchLabels: { env: 'prod' } }\n" +
        "error: bundle 'web': targets[0].clusterSelecter is not a property of a bundle target (did you mean 'clusterSelector'?); the properties are name, clusterName, clusterSelector, clusterGroup, clusterGroupSelector, doNotDeploy: rename it to 'clusterSelector'\n" +
        '2 errors; nothing was written\n',
    );
  });

  test('an unknown operator is a clear error, not a crash with a stack, for every command', () => {
    for (const command of [['synth', '--out', path.join(project.dir, 'dist')], ['targets'], ['plan']]) {
      const r = runCli(['--fleet', 'operator.js', ...command], { cwd: project.dir });
      expect(r.code).toBe(1);
      expect(r.err).toContain(
        "error: bundle 'web': targets[0].clusterSelector.matchExpressions[0].operator is 'Equals' (a string), but must be one of 'In', 'NotIn', 'Exists' or 'DoesNotExist'; use 'In' with values: [...]\n",
      );
      noStack(r.err);
    }
    expect(fs.existsSync(path.join(project.dir, 'dist'))).toBe(false);
  });

  test('a cluster without a region: exit 1 and no dist/undefined/', () => {
    const r = synth('--fleet', 'region.js');
    expect(r).toMatchObject({ code: 1, wrote: false });
    expect(r.err).toContain("error: cluster 'edge-3': region is missing, but must be the region the cluster runs in");
    noStack(r.err);
  });

  test('circular values: the bundle and the path of the cycle', () => {
    const r = synth('--fleet', 'circular.js');
    expect(r).toMatchObject({ code: 1, wrote: false });
    expect(r.err).toContain("error: bundle 'web': values.image.self is circular: it refers back to values");
    noStack(r.err);
  });

  test('a .ts fleet with a type error is refused before synthesis, with file:line:column', () => {
    const r = synth('--fleet', 'typed-wrong.ts');
    expect(r).toMatchObject({ code: 1, wrote: false, out: '' });
    expect(r.err).toBe(
      'error: --fleet typed-wrong.ts does not type-check (1 error); nothing was synthesized:\n' +
        "  typed-wrong.ts:2:58: Type 'string' is not assignable to type 'number'. (TS2322)\n" +
        'fix the types, or pass --no-typecheck (before the command) to load the module without checking them\n',
    );
  });

  test('--no-typecheck skips the check; the runtime schema still refuses the value', () => {
    const r = synth('--no-typecheck', '--fleet', 'typed-wrong.ts');
    expect(r).toMatchObject({ code: 1, wrote: false });
    expect(r.err).toBe(
      "error: fleet 'ts': rolloutStrategy.autoPartitionThreshold is 'three' (a string), but must be a whole number of clusters, 1 or more, such as 200\n" +
        '1 error; nothing was written\n',
    );
  });

  test('a .ts fleet that type-checks synthesizes; the second run uses the cache', () => {
    const timed = () => {
      const t = Date.now();
      const r = synth('--fleet', 'typed-ok.ts');
      return { ...r, ms: Date.now() - t };
    };
    const first = timed();
    expect(first).toMatchObject({ code: 0, wrote: true });
    expect(first.out).toMatch(/^synthesized 1 clusters, 1 objects/);
    fs.rmSync(path.join(project.dir, 'dist'), { recursive: true });
    const second = timed();
    expect(second).toMatchObject({ code: 0, wrote: true });
    const cacheDir = path.join(ROOT, 'node_modules', '.cache', 'fleetwright');
    expect(fs.readdirSync(cacheDir).some((f) => /^typecheck-[0-9a-f]+\.json$/.test(f))).toBe(true);
    // Reported, not asserted: timings depend on the machine.
    process.stdout.write(`typecheck + synth through the CLI: first run ${first.ms} ms, second (cached) ${second.ms} ms\n`);
  });
});
