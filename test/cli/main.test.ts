import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { tmpDir } from '../util';

const fixture = (name: string) => path.join(__dirname, '..', 'fixtures', 'fleets', name);
/** The example fleet project (six clusters in three regions), passed explicitly: the repository root is no fleet project. */
const EDGE_FLEET = path.join(__dirname, '..', '..', 'examples', 'edge-fleet', 'fleet.ts');

// The first load of a .ts --fleet module type-checks it cold (seconds on a busy machine).
jest.setTimeout(60_000);

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'fleetwright', ...args], { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/** Runs a command on the example edge fleet. */
const edge = (...args: string[]) => run('--fleet', EDGE_FLEET, ...args);

describe('fleetwright synth', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tmpDir()));
  afterEach(() => cleanup());

  test("writes the edge fleet's 6 cluster folders and index.json", async () => {
    const out = path.join(dir, 'dist');
    const r = await edge('synth', '--out', out);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toMatch(/^synthesized 6 clusters, \d+ objects, \d+ files into /);
    const index = JSON.parse(fs.readFileSync(path.join(out, 'index.json'), 'utf8')) as {
      clusters: Record<string, { bundles: Record<string, unknown> }>;
    };
    expect(Object.keys(index.clusters)).toHaveLength(6);
    expect(Object.values(index.clusters).filter((c) => 'hello' in c.bundles)).toHaveLength(6);
    expect(Object.values(index.clusters).filter((c) => 'prod-policies' in c.bundles)).toHaveLength(3);
    expect(fs.readdirSync(path.join(out, 'us-west')).sort()).toEqual(['edge-us-west-1', 'edge-us-west-2']);
  });

  test('a second run is byte-identical', async () => {
    const read = (d: string) => {
      const files: Record<string, string> = {};
      const walk = (p: string) =>
        fs
          .readdirSync(p, { withFileTypes: true })
          .forEach((e) =>
            e.isDirectory()
              ? walk(path.join(p, e.name))
              : (files[path.relative(d, path.join(p, e.name))] = fs.readFileSync(path.join(p, e.name), 'utf8')),
          );
      walk(d);
      return files;
    };
    await edge('synth', '--out', path.join(dir, 'one'));
    await edge('synth', '--out', path.join(dir, 'two'));
    expect(read(path.join(dir, 'two'))).toEqual(read(path.join(dir, 'one')));
  });

  test('--region writes only that region', async () => {
    await edge('synth', '--region', 'onprem', '--out', path.join(dir, 'dist'));
    expect(fs.readdirSync(path.join(dir, 'dist')).sort()).toEqual(['.fleetwright-owned.json', 'index.json', 'onprem']);
  });

  test('fails with every error, exit code 1 and nothing written', async () => {
    const out = path.join(dir, 'dist');
    const r = await run('--fleet', fixture('broken.ts'), 'synth', '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toContain("error: bundle 'no-targets': has no targets");
    expect(r.err).toContain("error: bundle 'dangling': dependsOn 'ghost'");
    expect(r.err).toContain("error: region overlay 'mars': no cluster is in region 'mars'");
    expect(r.err).toMatch(/3 errors; nothing was written\n$/);
    expect(fs.existsSync(out)).toBe(false);
  });

  test('fails for a --fleet path that does not exist', async () => {
    const r = await run('--fleet', 'nope.ts', 'synth');
    expect(r).toMatchObject({
      code: 1,
      err: 'error: --fleet nope.ts: no such file; pass the path of a module exporting a Fleet (e.g. --fleet ./fleet.ts)\n',
    });
  });

  test('fails for a --fleet module that exports no fleet', async () => {
    const r = await run('--fleet', fixture('not-a-fleet.ts'), 'synth');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/the module exports no Fleet; export a Fleet or a function returning one as 'default', 'defineFleet' or 'fleet'/);
  });
});

describe('fleetwright targets', () => {
  test('prints the bundle × cluster matrix and why bundles are missing', async () => {
    const r = await edge('targets');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/bundle\s+│\s+edge-onprem-1/);
    expect(r.out).toContain('prod-policies on edge-us-west-2: no target matches: prod [clusterSelector(env=prod)]');
    expect(r.out).toMatch(/web\s+│ all \+prod/);
  });

  test('--json gives one cell per bundle and cluster', async () => {
    const cells = JSON.parse((await edge('targets', '--json')).out) as { bundle: string; deployed: boolean }[];
    expect(cells).toHaveLength(36);
    expect(cells.filter((c) => c.bundle === 'prod-policies' && c.deployed)).toHaveLength(3);
  });
});

describe('fleetwright explain', () => {
  test('prints values with their layers', async () => {
    const r = await edge('explain', 'edge-us-east-2', 'web');
    expect(r.code).toBe(0);
    expect(r.out).toContain("bundle 'web' on cluster 'edge-us-east-2': deployed (target 'all' matches; customized by 'test')");
    expect(r.out).toMatch(/replicas\s+│\s+2\s+│\s+customization\s+│\s+test/);
    expect(r.out).toMatch(/domain\s+│\s+"us-east.edge.example.com"\s+│\s+overlay\s+│\s+us-east/);
  });

  test('fails for an unknown cluster with exit code 1', async () => {
    const r = await edge('explain', 'nope', 'web');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: cluster 'nope' does not exist/);
  });

  test('fails for missing arguments', async () => {
    const r = await edge('explain');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/missing required argument 'cluster'/);
  });
});

describe('fleetwright diff', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ dir, cleanup } = tmpDir());
    await edge('synth', '--out', path.join(dir, 'base'));
  });
  afterAll(() => cleanup());

  test('exits 0 when nothing changes', async () => {
    const r = await edge('diff', '--base', path.join(dir, 'base'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/no changes\n$/);
  });

  test('exits 2 with changes and shows each change once', async () => {
    const r = await run('--fleet', fixture('sample-variant.ts'), 'diff', '--base', path.join(dir, 'base'));
    expect(r.code).toBe(2);
    expect(r.out).toContain('- bundle prod-policies leaves 1 cluster(s): edge-us-west-1');
    expect(r.out).toContain('changed Deployment.apps web/web (bundle web) the same change on 3 clusters');
    expect(r.out).toContain('spec.replicas: 3 → 4');
  });

  test('compares against a git ref by synthesizing that revision', async () => {
    const r = await edge('diff', '--base', 'HEAD', '--format', 'json');
    expect([0, 2]).toContain(r.code);
    expect(JSON.parse(r.out)).toMatchObject({ schemaVersion: 1, base: 'HEAD', head: 'working tree' });
  }, 120_000);

  test('exits 1 for a base that is neither a folder nor a git ref', async () => {
    const r = await edge('diff', '--base', 'no-such-ref-or-dir');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/'no-such-ref-or-dir' is neither a synth output folder nor a git ref/);
  });

  test('exits 1 for an unknown format', async () => {
    const r = await edge('diff', '--base', path.join(dir, 'base'), '--format', 'html');
    expect(r).toMatchObject({ code: 1, err: 'error: --format html: use text, markdown or json\n' });
  });

  test('preview checks its format before opening any stack', async () => {
    const r = await edge('preview', '--format', 'yaml');
    expect(r).toMatchObject({ code: 1, err: 'error: --format yaml: use text, markdown or json\n' });
  });

  test.each([
    [['up', '--parallel', '0'], "--parallel takes a whole number of 1 or more, not '0'"],
    [['preview', '--parallel', 'many'], "--parallel takes a whole number of 1 or more, not 'many'"],
    [['up', '--shard', '1.5', '--region', 'us-west'], "--shard takes a whole number of 1 or more, not '1.5'"],
    [['up', '--shard', '2'], '--shard 2 needs --region: a shard is one stack of one region (`npx fleetwright plan` lists them).'],
    [['preview', '--shard', '1'], '--shard 1 needs --region'],
    [['destroy', '--move-only'], '--move-only goes with `up` alone, without --shard.'],
    [['up', '--move-only', '--shard', '1', '--region', 'us-west'], '--move-only goes with `up` alone, without --shard.'],
    [['up', '--shard', '2', '--region', 'us-west'], '--shard 2: region us-west is not sharded (one stack; run without --shard)'],
  ])('%j is refused before any stack is touched', async (args, message) => {
    const r = await edge(...args);
    expect(r.code).toBe(1);
    expect(r.err).toContain(message);
  });
});

describe('fleet modules are checked before anything runs', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tmpDir()));
  afterEach(() => cleanup());

  const constructs = JSON.stringify(path.join(__dirname, '..', '..', 'src'));
  const write = (name: string, body: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(
      file,
      `import { Bundle, Cluster, Fleet, Source } from ${constructs};\nconst fleet = new Fleet({ name: 'x' });\n${body}\nexport default fleet;\n`,
    );
    return file;
  };

  test('a type error stops every command with file:line:column; --no-typecheck loads the module anyway', async () => {
    const file = write('fleet.ts', "new Cluster(fleet, 'a', { region: 'us-west', labels: { tier: 3 } });");
    const r = await run('--fleet', file, 'targets');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      new RegExp(
        `^error: --fleet ${file} does not type-check \\(1 error\\); nothing was synthesized:\n {2}\\S*fleet\\.ts:3:56: Type 'number' is not assignable to type 'string'\\. \\(TS2322\\)\n`,
      ),
    );
    const skipped = await run('--no-typecheck', '--fleet', file, 'targets');
    expect(skipped).toMatchObject({
      code: 1,
      err: "error: cluster 'a': labels.tier is 3 (a number), but must be a string label value such as 'prod'; quote it: '3'\n1 error; nothing was written\n",
    });
  });

  test('invalid props stop targets, explain and plan too, not only synth', async () => {
    const file = write(
      'fleet.ts',
      "new Cluster(fleet, 'a', { region: 'us-west' });\n" +
        "new Bundle(fleet, 'web', { sources: [Source.objects([])], targets: [{ clusterSelector: 'env=prod' as never }] });",
    );
    for (const command of [['targets'], ['explain', 'a', 'web'], ['plan']]) {
      const r = await run('--fleet', file, ...command);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(
        /^error: bundle 'web': targets\[0\]\.clusterSelector is 'env=prod' \(a string\), but must be a label selector object/,
      );
      expect(r.out).toBe('');
    }
  });
});
