/**
 * Sources keep what they read for one synthesis run only: a second run of the same fleet object
 * sees files changed in between (a long-lived process, a watch loop, a test), and one run reads
 * each file once for all clusters.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Bundle } from '../../src/model/bundle';
import { Cluster } from '../../src/model/cluster';
import { Fleet } from '../../src/model/fleet';
import { SynthesisRun } from '../../src/model/source';
import { Source } from '../../src/sources/sources';
import { synthesizeFleet } from '../../src/synth/synth';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetwright-sources-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const configMap = (v: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  v: "${v}"\n`;

test('a YAML file changed between two runs of the same fleet is read again', () => {
  const file = path.join(dir, 'app.yaml');
  fs.writeFileSync(file, configMap('1'));
  const fleet = new Fleet({ name: 'runs' });
  new Cluster(fleet, 'a', { region: 'eu' });
  new Cluster(fleet, 'b', { region: 'eu' });
  new Bundle(fleet, 'app', { sources: [Source.yaml(file)], targets: [{ clusterSelector: {} }] });
  const data = (): string[] =>
    synthesizeFleet(fleet).clusters.map((c) => String((c.bundles[0].objects[0].manifest as unknown as { data: { v: string } }).data.v));
  expect(data()).toEqual(['1', '1']);
  fs.writeFileSync(file, configMap('2'));
  expect(data()).toEqual(['2', '2']);
});

test('within a run, a cdk8s chart factory runs once per distinct set of values it reads', () => {
  let calls = 0;
  const fleet = new Fleet({ name: 'runs' });
  for (const c of ['a', 'b', 'c']) new Cluster(fleet, c, { region: 'eu', values: { size: c === 'c' ? 2 : 1 } });
  new Bundle(fleet, 'app', {
    sources: [
      Source.chart((_chart, ctx) => {
        calls++;
        void ctx.values.size;
      }),
    ],
    targets: [{ clusterSelector: {} }],
  });
  synthesizeFleet(fleet);
  expect(calls).toBe(2);
  synthesizeFleet(fleet);
  expect(calls).toBe(4);
});

test('SynthesisRun keeps one state per owner and one value per cache key', () => {
  const run = new SynthesisRun();
  const owner = {};
  let made = 0;
  expect(run.owned(owner, () => ({ n: ++made }))).toBe(run.owned(owner, () => ({ n: ++made })));
  expect(made).toBe(1);
  expect(run.cached('helm', 'k', () => 1)).toBe(1);
  expect(run.cached('helm', 'k', () => 2)).toBe(1);
  expect(run.cached('kustomize', 'k', () => 3)).toBe(3);
});
