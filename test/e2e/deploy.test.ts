/**
 * End-to-end deployment of the sample fleet to a local fleet of six real clusters through the real
 * Pulumi engine and Kubernetes provider: first deploy, no-change rerun, a customization change, a
 * live preview (with drift), a targeting change, a cluster outage during a rollout, and destroy.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalWorkspace, OpType } from '@pulumi/pulumi/automation';
import { synthesizeFleet } from '../../src/synth/synth';
import { EventCollector, openStack, pulumiEnv } from '../../src/deploy/automation';
import { resourceName } from '../../src/deploy/events';
import { consumerProgram } from '../../examples/consumer';
import { FleetStackOutputs } from '../../src/deploy/outputs';
import { devDown, devUp, LocalFleetMode, LocalFleetPaths } from '../../src/dev/local-fleet';
import { runOk } from '../../src/dev/tools';
import { defineFleet, SampleFleetOptions } from '../../examples/edge-fleet/fleet';
import { runPreviewCommand } from '../../src/cli/deploy';
import type { FleetDiff } from '../../src/diff/compare';
import { e2eStateDir, fleetObjects, kubectl } from './helpers';

jest.setTimeout(30 * 60_000);

const ROOT = path.resolve(__dirname, '..', '..');
/** The example fleet project the e2e tests deploy from (its Pulumi.yaml, stacks/ and .fleetwright/). */
const PROJECT = path.join(ROOT, 'examples', 'edge-fleet');
const REGIONS = ['onprem', 'us-east', 'us-west'];
const KINDS = [
  'namespaces',
  'customresourcedefinitions.apiextensions.k8s.io',
  'configmaps',
  'services',
  'deployments.apps',
  'poddisruptionbudgets.policy',
  'prometheusrules.monitoring.coreos.com',
];

let paths: LocalFleetPaths;
let kubeconfigs: Record<string, string>;
const savedState = process.env.FLEETWRIGHT_STATE;

/** Deploys one region; returns which clusters saw which operations and the outputs. */
async function up(
  region: string,
  options: SampleFleetOptions = {},
): Promise<{ ops: Record<string, OpType[]>; outputs: FleetStackOutputs; failures: string[] }> {
  const stack = await openStack({ root: PROJECT, region, local: true, fleet: () => defineFleet(options) });
  const collector = new EventCollector();
  const ops: Record<string, OpType[]> = {};
  try {
    const r = await stack.up({
      color: 'never',
      onEvent: (e) => {
        collector.onEvent(e);
        const md = e.resOutputsEvent?.metadata;
        if (md && md.type.startsWith('kubernetes:') && md.op !== 'same') {
          const cluster = resourceName(md.urn).split('/')[0];
          (ops[cluster] ??= []).push(md.op);
        }
      },
    });
    const outputs = Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, v.value])) as unknown as FleetStackOutputs;
    return { ops, outputs, failures: [] };
  } catch {
    return {
      ops,
      outputs: undefined as unknown as FleetStackOutputs,
      failures: collector.report.failures.map((f) => `${f.resource}: ${f.message}`),
    };
  }
}

/** What synth says each cluster must hold, as `Kind/namespace/name`. */
function desired(options: SampleFleetOptions = {}): Record<string, string[]> {
  return Object.fromEntries(
    synthesizeFleet(defineFleet(options)).clusters.map((c) => [
      c.name,
      [...c.namespaces, ...c.bundles.flatMap((b) => b.objects)].map((o) => `${o.id.kind}/${o.id.namespace}/${o.id.name}`).sort(),
    ]),
  );
}

async function live(): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [c, kc] of Object.entries(kubeconfigs)) out[c] = await fleetObjects(kc, 'edge', KINDS);
  return out;
}

beforeAll(async () => {
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed: ${build.stderr}`);
  process.env.FLEETWRIGHT_STATE = e2eStateDir('deploy');
  paths = { dir: path.join(process.env.FLEETWRIGHT_STATE, 'dev') };
  const clusters = await devUp(defineFleet(), paths, { mode: LocalFleetMode.FULL, nodes: 1 }, () => undefined);
  kubeconfigs = Object.fromEntries(clusters.map((c) => [c.name, c.kubeconfig]));
});

afterAll(async () => {
  if (paths) await devDown(paths, () => undefined);
  if (process.env.FLEETWRIGHT_STATE) fs.rmSync(process.env.FLEETWRIGHT_STATE, { recursive: true, force: true });
  for (const region of REGIONS) fs.rmSync(path.join(PROJECT, 'stacks', `Pulumi.local-${region}.yaml`), { force: true });
  process.env.FLEETWRIGHT_STATE = savedState;
});

test('up puts exactly the synthesized objects on every cluster, and every bundle is Ready', async () => {
  const outputs: FleetStackOutputs[] = [];
  for (const region of REGIONS) {
    const r = await up(region);
    expect(r.failures).toEqual([]);
    outputs.push(r.outputs);
  }
  expect(await live()).toEqual(desired());
  const onClusters = (bundle: string) =>
    outputs.flatMap((o) =>
      Object.entries(o.clusters)
        .filter(([, c]) => c.bundles[bundle]?.state === 'Ready')
        .map(([n]) => n),
    );
  expect(onClusters('hello')).toHaveLength(6);
  expect(onClusters('prod-policies').sort()).toEqual(['edge-onprem-1', 'edge-us-east-1', 'edge-us-west-1']);
  for (const o of outputs) expect(Object.values(o.clusters).every((c) => c.state === 'Ready')).toBe(true);
});

test('another team reads the outputs with StackReference (examples/consumer)', async () => {
  const stack = await LocalWorkspace.createOrSelectStack(
    {
      stackName: 'consumer',
      projectName: 'fleet-consumer',
      program: async () => {
        const o = consumerProgram('organization/edge-fleet/local-us-west');
        return { webEndpoints: o.webEndpoints, notReady: o.notReady };
      },
    },
    { workDir: path.join(ROOT, 'examples', 'consumer'), envVars: pulumiEnv(PROJECT) },
  );
  try {
    const r = await stack.up({ color: 'never' });
    expect(r.outputs.webEndpoints.value).toEqual({
      'edge-us-west-1': 'web.web.svc.cluster.local',
      'edge-us-west-2': 'web.web.svc.cluster.local',
    });
    expect(r.outputs.notReady.value).toEqual([]);
  } finally {
    await stack.workspace.removeStack('consumer', { force: true });
  }
});

test('a second up makes no changes', async () => {
  for (const region of REGIONS) {
    const stack = await openStack({ root: PROJECT, region, local: true, fleet: () => defineFleet() });
    const preview = await stack.preview({ color: 'never' });
    expect(Object.keys(preview.changeSummary).filter((op) => op !== 'same')).toEqual([]);
  }
});

/** Runs `fleetwright preview --format json` over the given regions of the local fleet. */
async function preview(
  regions: readonly string[],
  options: SampleFleetOptions,
  refresh = false,
): Promise<{ code: number; report: FleetDiff }> {
  let out = '';
  const code = await runPreviewCommand(
    {
      regions,
      local: true,
      fleet: () => defineFleet(options),
      explicitFleet: true,
      root: PROJECT,
      refresh,
      format: 'json',
      color: false,
      verbose: false,
    },
    { out: (t) => (out += t), err: () => undefined },
  );
  return { code, report: JSON.parse(out) as FleetDiff };
}

test('a live preview of one customization change shows it on exactly the targeted cluster', async () => {
  const { code, report } = await preview(REGIONS, { webReplicas: { prod: 3, test: 4 } });
  expect(code).toBe(2);
  expect(report.errors).toBeUndefined();
  expect(report.targeting).toEqual([]);
  expect(report.groups).toEqual([
    expect.objectContaining({
      bundle: 'web',
      object: 'Deployment.apps web/web',
      kind: 'changed',
      clusters: ['edge-us-east-2'],
      fields: [{ path: 'spec.replicas', op: 'replace', before: 2, after: 4 }],
    }),
  ]);
});

test('preview --refresh shows changes made on the clusters as drift; up --refresh repairs them', async () => {
  const kc = (c: string): string => kubeconfigs[c];
  await kubectl(kc('edge-onprem-2'), 'delete', '-n', 'hello', 'service', 'onprem-hello');
  await kubectl(kc('edge-onprem-1'), 'scale', '-n', 'web', 'deployment/web', '--replicas=5');
  // Through the real CLI, in its own process: a preview the engine stops early leaves the inline
  // program's late RPCs failing, which the CLI ignores and jest would count against the file.
  const cli = spawnSync(
    process.execPath,
    [path.join(ROOT, 'bin', 'fleetwright.js'), 'preview', '--local', '--region', 'onprem', '--refresh', '--format', 'json'],
    {
      cwd: PROJECT,
      encoding: 'utf8',
      env: process.env,
    },
  );
  expect({ code: cli.status, stderr: cli.stderr }).toEqual({ code: 2, stderr: expect.stringContaining('previewing region onprem') });
  const drifted = JSON.parse(cli.stdout) as FleetDiff;
  // Objects are applied with force: the fleet takes spec.replicas back from kubectl (no conflict).
  expect(drifted.errors ?? []).toEqual([]);
  expect(drifted.groups).toContainEqual(
    expect.objectContaining({
      kind: 'changed',
      clusters: ['edge-onprem-1'],
      fields: expect.arrayContaining([expect.objectContaining({ path: 'spec.replicas', after: 3 })]),
    }),
  );
  expect(drifted.groups).toContainEqual(
    expect.objectContaining({
      kind: 'added',
      object: 'Service hello/onprem-hello',
      clusters: ['edge-onprem-2'],
      drift: expect.stringMatching(/deleted outside/),
    }),
  );
  const stack = await openStack({ root: PROJECT, region: 'onprem', local: true, fleet: () => defineFleet() });
  await stack.up({ color: 'never', refresh: true });
  expect(await kubectl(kc('edge-onprem-1'), 'get', '-n', 'web', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}')).toBe('3');
  expect(await kubectl(kc('edge-onprem-2'), 'get', '-n', 'hello', 'service', 'onprem-hello', '-o', 'name')).toBe('service/onprem-hello\n');
  expect((await preview(['onprem'], {}, true)).code).toBe(0);
});

test('changing one target customization updates only the clusters it targets', async () => {
  const r = await up('us-east', { webReplicas: { prod: 3, test: 4 } });
  expect(r.failures).toEqual([]);
  expect(Object.keys(r.ops)).toEqual(['edge-us-east-2']);
  expect(r.ops['edge-us-east-2']).toEqual(['update']);
});

test("taking a cluster out of a bundle's targets deletes that bundle's objects from it only", async () => {
  const options = { prodPoliciesExclude: ['edge-us-west-1'] };
  const r = await up('us-west', options);
  expect(r.failures).toEqual([]);
  expect(r.ops).toEqual({ 'edge-us-west-1': ['delete'] });
  const now = await live();
  expect(now['edge-us-west-1']).toEqual(desired(options)['edge-us-west-1']);
  expect(now['edge-us-west-1']).not.toContain('PodDisruptionBudget/web/web');
  expect(now['edge-us-east-1']).toContain('PodDisruptionBudget/web/web');
});

test('a cluster down during up fails its partition, naming it, and leaves later partitions untouched; a rerun converges', async () => {
  const env = { ...process.env, KWOK_WORKDIR: path.join(paths.dir, 'kwok') };
  const changed = { webReplicas: { prod: 3, test: 4 }, webImage: 'nginx:1.28-alpine' };
  await runOk('stopping edge-us-east-2', 'kwokctl', ['--name', 'edge-us-east-2', 'stop', 'cluster'], { env });
  // Through the real CLI, in its own process (a run the engine stops early leaves late RPC failures).
  const failed = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'bin', 'fleetwright.js'),
      '--fleet',
      path.join(ROOT, 'test', 'fixtures', 'fleets', 'outage-variant.ts'),
      'up',
      '--local',
      '--region',
      'us-east',
    ],
    { cwd: PROJECT, encoding: 'utf8', env: process.env, maxBuffer: 64 << 20 },
  );
  expect(failed.status).toBe(1);
  expect(failed.stderr).toMatch(/rollout of region 'us-east' failed in partition 'canary' on cluster\(s\) edge-us-east-2/);
  expect(failed.stderr).toMatch(/later partitions were not touched: prod \(edge-us-east-1\)/);
  const image = await kubectl(
    kubeconfigs['edge-us-east-1'],
    'get',
    '-n',
    'web',
    'deployment',
    'web',
    '-o',
    'jsonpath={.spec.template.spec.containers[0].image}',
  );
  expect(image).toBe('mirror.us-east.edge.example.com/library/nginx:1.27-alpine');
  await runOk('starting edge-us-east-2', 'kwokctl', ['--name', 'edge-us-east-2', 'start', 'cluster', '--wait', '120s'], { env });
  const rerun = await up('us-east', changed);
  expect(rerun.failures).toEqual([]);
  const now = await live();
  const want = desired(changed);
  expect(now['edge-us-east-1']).toEqual(want['edge-us-east-1']);
  expect(now['edge-us-east-2']).toEqual(want['edge-us-east-2']);
});

test('destroy leaves no fleet object on any cluster', async () => {
  for (const region of REGIONS) {
    const stack = await openStack({ root: PROJECT, region, local: true, fleet: () => defineFleet() });
    await stack.destroy({ color: 'never' });
  }
  for (const objects of Object.values(await live())) expect(objects).toEqual([]);
});
