import * as path from 'node:path';
import { Chart, Size } from 'cdk8s';
import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import { Bundle, BundleContext, Cluster, ClusterGroup, Fleet, Kubeconfig, Source, valueAt } from 'fleetwright';
import { defineRegionOverlays } from './regions';

/** The bundles' YAML, Helm and Kustomize files, next to this module. */
const BUNDLES = path.join(__dirname, 'bundles');

/** One cluster of the sample fleet. */
interface SampleCluster {
  readonly name: string;
  readonly region: string;
  readonly env: 'prod' | 'test' | 'dev';
  readonly arch: 'amd64' | 'arm64';
}

/** The sample fleet's clusters: Rancher Fleet's trial topology, two clusters per edge group. */
export const SAMPLE_CLUSTERS: readonly SampleCluster[] = [
  { name: 'edge-us-west-1', region: 'us-west', env: 'prod', arch: 'amd64' },
  { name: 'edge-us-west-2', region: 'us-west', env: 'dev', arch: 'amd64' },
  { name: 'edge-us-east-1', region: 'us-east', env: 'prod', arch: 'amd64' },
  { name: 'edge-us-east-2', region: 'us-east', env: 'test', arch: 'amd64' },
  { name: 'edge-onprem-1', region: 'onprem', env: 'prod', arch: 'arm64' },
  { name: 'edge-onprem-2', region: 'onprem', env: 'dev', arch: 'arm64' },
];

/** Variations of the sample fleet, for tests and demos of changes. */
export interface SampleFleetOptions {
  /**
   * The clusters to define (tests pass a shuffled list).
   *
   * @default SAMPLE_CLUSTERS
   */
  readonly clusters?: readonly SampleCluster[];
  /**
   * Replicas of `web` in prod and test (dev gets the bundle default, 1).
   *
   * @default { prod: 3, test: 2 }
   */
  readonly webReplicas?: { readonly prod: number; readonly test: number };
  /**
   * Image of `web`.
   *
   * @default "nginx:1.27-alpine"
   */
  readonly webImage?: string;
  /**
   * Clusters excluded from `prod-policies` with a `doNotDeploy` target.
   *
   * @default []
   */
  readonly prodPoliciesExclude?: readonly string[];
}

/**
 * The edge fleet: six edge clusters in three regions and four bundles.
 *
 * - `hello` goes to every cluster in a region group (`clusterGroupSelector` on the groups' `region`
 *   label), named after the region: 6 clusters.
 * - `prod-policies` goes to `env=prod` clusters only (`clusterSelector`): 3 clusters.
 * - `addons` (monitoring namespace, PrometheusRule CRD and alert rules, plain YAML) goes everywhere.
 * - `web` is a cdk8s-plus application with per-environment replicas (target customizations).
 *
 * Each region's overlay (`regions/`) rewrites images to the region's registry mirror.
 *
 * @param options variations (tests use them to change one thing)
 */
export function defineFleet(options: SampleFleetOptions = {}): Fleet {
  const clusters = options.clusters ?? SAMPLE_CLUSTERS;
  const replicas = options.webReplicas ?? { prod: 3, test: 2 };
  const fleet = new Fleet({
    name: 'edge',
    // Each region stack rolls out to its dev/test cluster first, then to prod once that is Ready.
    rolloutStrategy: {
      partitions: [
        { name: 'canary', clusterSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['dev', 'test'] }] } },
        { name: 'prod', clusterSelector: { matchLabels: { env: 'prod' } } },
      ],
    },
  });

  const clusterScope = new Construct(fleet, 'Clusters');
  for (const c of clusters) {
    new Cluster(clusterScope, c.name, {
      region: c.region,
      labels: { region: c.region, env: c.env, arch: c.arch },
      kubeconfig: Kubeconfig.fromStackConfig(),
    });
  }
  new ClusterGroup(fleet, 'edge-us-west', { selector: { matchLabels: { region: 'us-west' } }, labels: { region: 'us-west' } });
  new ClusterGroup(fleet, 'edge-us-east', { selector: { matchLabels: { region: 'us-east' } }, labels: { region: 'us-east' } });
  new ClusterGroup(fleet, 'edge-onprem-arm64', {
    selector: { matchLabels: { region: 'onprem', arch: 'arm64' } },
    labels: { region: 'onprem', arch: 'arm64' },
  });

  defineRegionOverlays(fleet);

  new Bundle(fleet, 'addons', {
    sources: [Source.yaml(path.join(BUNDLES, 'addons'))],
    targets: [{ name: 'all', clusterSelector: {} }],
  });

  const web = new Bundle(fleet, 'web', {
    defaultNamespace: 'web',
    values: { replicas: 1, image: options.webImage ?? 'nginx:1.27-alpine', logLevel: 'info' },
    sources: [Source.chart(webApp, 'web-app')],
    targets: [{ name: 'all', clusterSelector: {} }],
    targetCustomizations: [
      { name: 'prod', clusterSelector: { matchLabels: { env: 'prod' } }, values: { replicas: replicas.prod, logLevel: 'warn' } },
      { name: 'test', clusterSelector: { matchLabels: { env: 'test' } }, values: { replicas: replicas.test } },
    ],
  });

  new Bundle(fleet, 'hello', {
    defaultNamespace: 'hello',
    sources: [Source.chart(helloApp, 'hello')],
    targets: [{ name: 'region-groups', clusterGroupSelector: { matchExpressions: [{ key: 'region', operator: 'Exists' }] } }],
  });

  new Bundle(fleet, 'prod-policies', {
    defaultNamespace: 'web',
    dependsOn: [web],
    sources: [Source.chart(prodPolicies, 'policies')],
    targets: [
      ...(options.prodPoliciesExclude ?? []).map((clusterName) => ({ name: `exclude-${clusterName}`, clusterName, doNotDeploy: true })),
      { name: 'prod', clusterSelector: { matchLabels: { env: 'prod' } } },
    ],
  });

  // A vendored Helm chart; per-target values give three variants (prod, test, dev), so six clusters
  // take three `helm template` runs.
  new Bundle(fleet, 'status-page', {
    defaultNamespace: 'status',
    values: { tier: 'bronze' },
    sources: [Source.helm({ chart: path.join(BUNDLES, 'status-page', 'chart'), releaseName: 'status' })],
    targets: [{ name: 'all', clusterSelector: {} }],
    targetCustomizations: [
      { name: 'prod', clusterSelector: { matchLabels: { env: 'prod' } }, values: { tier: 'gold', replicaCount: 2 } },
      { name: 'test', clusterSelector: { matchLabels: { env: 'test' } }, values: { tier: 'silver' } },
    ],
  });

  // Kustomize: a base and one overlay per environment, chosen by the cluster's env label.
  const guestbook = path.join(BUNDLES, 'guestbook');
  new Bundle(fleet, 'guestbook', {
    defaultNamespace: 'guestbook',
    sources: [Source.kustomize({ root: guestbook, dir: (ctx) => path.join(guestbook, 'overlays', ctx.cluster.labels.env ?? 'dev') })],
    targets: [{ name: 'all', clusterSelector: {} }],
  });

  return fleet;
}

const SMALL = {
  cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.millis(200) },
  memory: { request: Size.mebibytes(32), limit: Size.mebibytes(128) },
};

function webApp(chart: Chart, ctx: BundleContext): void {
  const deployment = new kplus.Deployment(chart, 'app', {
    metadata: { name: 'web' },
    replicas: valueAt<number>(ctx.values, 'replicas', 1),
    containers: [
      {
        name: 'web',
        image: valueAt<string>(ctx.values, 'image', 'nginx:1.27-alpine'),
        portNumber: 8080,
        resources: SMALL,
        envVariables: {
          LOG_LEVEL: kplus.EnvValue.fromValue(valueAt<string>(ctx.values, 'logLevel', 'info')),
          PUBLIC_HOST: kplus.EnvValue.fromValue(`web.${valueAt<string>(ctx.values, 'domain', 'local')}`),
          CLUSTER: kplus.EnvValue.fromValue(ctx.cluster.name),
        },
      },
    ],
  });
  deployment.podMetadata.addLabel('app.kubernetes.io/name', 'web');
  deployment.exposeViaService({ name: 'web', ports: [{ port: 80, targetPort: 8080 }] });
}

function helloApp(chart: Chart, ctx: BundleContext): void {
  const name = `${ctx.cluster.region}-hello`;
  const deployment = new kplus.Deployment(chart, 'hello', {
    metadata: { name },
    replicas: 1,
    containers: [{ name: 'hello', image: 'nginxdemos/hello:0.4', portNumber: 8080, resources: SMALL }],
  });
  deployment.exposeViaService({ name, ports: [{ port: 80, targetPort: 8080 }] });
}

function prodPolicies(chart: Chart): void {
  new kplus.k8s.KubePodDisruptionBudget(chart, 'web-pdb', {
    metadata: { name: 'web' },
    spec: { minAvailable: kplus.k8s.IntOrString.fromNumber(2), selector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } },
  });
}

/** The fleet: what `fleetwright synth` and the Pulumi program (`index.ts`) deploy. */
const fleet: Fleet = defineFleet();
export default fleet;
