/**
 * End-to-end smoke test of the real toolchain: two local clusters (kwokctl: etcd, kube-apiserver,
 * controller manager, scheduler, kwok nodes), a tiny Pulumi program run by the real engine with one
 * kubeconfig provider per cluster, kubectl to check, and destroy.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as k8s from '@pulumi/kubernetes';
import { LocalWorkspace, Stack } from '@pulumi/pulumi/automation';
import { Construct } from 'constructs';
import { Cluster } from '../../src/model/cluster';
import { Fleet } from '../../src/model/fleet';
import { devDown, devUp, LocalFleetMode, LocalFleetPaths } from '../../src/dev/local-fleet';
import { e2eStateDir, kubectl } from './helpers';

jest.setTimeout(15 * 60_000);

const CLUSTERS = ['smoke-a', 'smoke-b'];
let state: string;
let paths: LocalFleetPaths;
let kubeconfigs: Record<string, string>;
let stack: Stack;

beforeAll(async () => {
  state = e2eStateDir('smoke');
  paths = { dir: path.join(state, 'dev') };
  const fleet = new Fleet({ name: 'smoke' });
  const scope = new Construct(fleet, 'Clusters');
  for (const c of CLUSTERS) new Cluster(scope, c, { region: 'local', labels: { env: 'test' } });
  const clusters = await devUp(fleet, paths, { mode: LocalFleetMode.FULL, nodes: 1 }, () => undefined);
  kubeconfigs = Object.fromEntries(clusters.map((c) => [c.name, c.kubeconfig]));

  const project = path.join(state, 'project');
  fs.mkdirSync(path.join(project, 'backend'), { recursive: true });
  fs.writeFileSync(path.join(project, 'Pulumi.yaml'), 'name: smoke\nruntime: nodejs\n');
  stack = await LocalWorkspace.createOrSelectStack(
    {
      stackName: 'smoke',
      projectName: 'smoke',
      program: async () => {
        for (const c of CLUSTERS) {
          const provider = new k8s.Provider(c, { kubeconfig: fs.readFileSync(kubeconfigs[c], 'utf8'), clusterIdentifier: c });
          const ns = new k8s.core.v1.Namespace(`${c}-ns`, { metadata: { name: 'smoke' } }, { provider });
          new k8s.core.v1.ConfigMap(
            `${c}-cm`,
            { metadata: { name: 'greeting', namespace: 'smoke' }, data: { cluster: c } },
            { provider, dependsOn: [ns] },
          );
          new k8s.apps.v1.Deployment(
            `${c}-deploy`,
            {
              metadata: { name: 'web', namespace: 'smoke' },
              spec: {
                replicas: 2,
                selector: { matchLabels: { app: 'web' } },
                template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27-alpine' }] } },
              },
            },
            { provider, dependsOn: [ns] },
          );
        }
        return {};
      },
    },
    {
      workDir: project,
      envVars: {
        PULUMI_BACKEND_URL: `file://${path.join(project, 'backend')}`,
        PULUMI_CONFIG_PASSPHRASE: 'smoke-test-only',
        PULUMI_SKIP_UPDATE_CHECK: 'true',
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
      },
    },
  );
});

afterAll(async () => {
  if (paths) await devDown(paths, () => undefined);
  if (state) fs.rmSync(state, { recursive: true, force: true });
});

test('pulumi up creates a Namespace, a ConfigMap and a Ready Deployment in each cluster', async () => {
  const result = await stack.up({ color: 'never' });
  expect(result.summary.result).toBe('succeeded');
  for (const c of CLUSTERS) {
    expect(await kubectl(kubeconfigs[c], 'get', 'namespace', 'smoke', '-o', 'jsonpath={.status.phase}')).toBe('Active');
    expect(await kubectl(kubeconfigs[c], 'get', 'configmap', 'greeting', '-n', 'smoke', '-o', 'jsonpath={.data.cluster}')).toBe(c);
    expect(await kubectl(kubeconfigs[c], 'get', 'deployment', 'web', '-n', 'smoke', '-o', 'jsonpath={.status.readyReplicas}')).toBe('2');
  }
});

test('pulumi destroy removes them', async () => {
  const result = await stack.destroy({ color: 'never' });
  expect(result.summary.result).toBe('succeeded');
  for (const c of CLUSTERS) {
    expect(await kubectl(kubeconfigs[c], 'get', 'namespace', 'smoke', '--ignore-not-found', '-o', 'name')).toBe('');
  }
});
