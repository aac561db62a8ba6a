import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { tmpDir } from '../util';

const ROOT = path.resolve(__dirname, '..', '..');
const fixture = (name: string) => path.join(__dirname, '..', 'fixtures', 'fleets', name);

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'fleetwright', ...args], { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('fleetwright explain with a valuesSchema', () => {
  test('shows a description column', async () => {
    const r = await run('--fleet', fixture('values-schema.ts'), 'explain', 'edge-1', 'web');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/value\s+│\s+effective\s+│\s+layer\s+│\s+from\s+│\s+description/);
    expect(r.out).toMatch(/replicas\s+│\s+3\s+│\s+cluster\s+│\s+edge-1\s+│\s+Pods of the web Deployment/);
    expect(r.out).toMatch(/image\s+│\s+"nginx:1.27"\s+│\s+bundle\s+│\s+web\s+│\s+Container image, with tag/);
    expect(r.out).toMatch(/extra\s+│\s+true\s+│\s+bundle\s+│\s+web\s+│\s+│/);
  });

  test('--json gives each described value a description field', async () => {
    const r = await run('--fleet', fixture('values-schema.ts'), 'explain', 'edge-1', 'web', '--json');
    expect(r.code).toBe(0);
    const e = JSON.parse(r.out) as { values: { explained: { path: string; description?: string }[] } };
    expect(e.values.explained.map((v) => [v.path, v.description])).toEqual([
      ['extra', undefined],
      ['image', 'Container image, with tag'],
      ['replicas', 'Pods of the web Deployment'],
    ]);
  });
});

describe('fleetwright synth (real process) with objects and values that break their schemas', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tmpDir()));
  afterEach(() => cleanup());

  test('exits 1, prints every error and writes nothing', () => {
    const built = path.join(ROOT, 'lib', 'synth', 'object-schemas.js');
    if (!fs.existsSync(built)) throw new Error(`${built} is missing: build first with npx tsc -p tsconfig.build.json`);
    fs.writeFileSync(
      path.join(dir, 'app.yaml'),
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: { name: app }',
        'spec:',
        '  replicas: three',
        '  selector: { matchLabels: { app: app } }',
        '  template:',
        '    metadata: { labels: { app: app } }',
        '    spec: { containers: [{ name: main, image: "nginx:1.27" }] }',
        '',
      ].join('\n'),
    );
    const module = path.join(dir, 'fleet.js');
    fs.writeFileSync(
      module,
      `const path = require('node:path');
const { Bundle, Cluster, Fleet, Source } = require(${JSON.stringify(path.join(ROOT, 'lib'))});
exports.default = () => {
  const fleet = new Fleet({ name: 'checked' });
  new Cluster(fleet, 'edge-1', { region: 'us-west', labels: { env: 'prod' } });
  new Bundle(fleet, 'shop', { defaultNamespace: 'shop', sources: [Source.yaml(path.join(__dirname, 'app.yaml'))], targets: [{ clusterSelector: {} }] });
  new Bundle(fleet, 'web', {
    values: { replicas: 1 },
    valuesSchema: { type: 'object', properties: { replicas: { type: 'integer' } } },
    sources: [Source.objects([])],
    targets: [{ clusterSelector: {} }],
    targetCustomizations: [{ name: 'prod', clusterSelector: { matchLabels: { env: 'prod' } }, values: { replicas: 'many' } }],
  });
  return fleet;
};
`,
    );
    const out = path.join(dir, 'dist');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'fleetwright.js'), '--fleet', module, 'synth', '--out', out], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      `error: bundle 'shop' on cluster 'edge-1': Deployment shop/app: field spec.replicas is "three", but the Kubernetes 1.33 schema of apps/v1 Deployment expects an integer; fix the value in its source (yaml app.yaml)`,
    );
    expect(r.stderr).toContain(
      `error: bundle 'web' on cluster 'edge-1': value 'replicas' is "many" (from customization 'prod'), but the bundle's valuesSchema expects an integer; fix it in customization 'prod' or change the schema`,
    );
    expect(r.stderr).toMatch(/\n2 errors; nothing was written\n$/);
    expect(r.status).toBe(1);
    expect(fs.readdirSync(dir).sort()).toEqual(['app.yaml', 'fleet.js']);
  });
});
