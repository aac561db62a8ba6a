import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Bundle } from '../../src/model/bundle';
import { ClusterGroup } from '../../src/model/cluster-group';
import { Cluster } from '../../src/model/cluster';
import { Fleet } from '../../src/model/fleet';
import { KubeObject } from '../../src/model/objects';
import { RegionOverlay } from '../../src/model/region-overlay';
import { BundleContext } from '../../src/model/source';
import { valueAt } from '../../src/model/values';
import { Source } from '../../src/sources/sources';

/** Options of {@link generateFleet}. */
export interface GeneratedFleetOptions {
  /** Number of clusters. */
  readonly clusters: number;
  /**
   * Number of bundles; half cdk8s-plus charts, half plain objects.
   *
   * @default 20
   */
  readonly bundles?: number;
  /**
   * Seed of the order constructs are declared in (0 keeps the natural order).
   *
   * @default 0
   */
  readonly shuffleSeed?: number;
  /**
   * Replica count of the `prod` customization of every bundle, to simulate a one-line change.
   *
   * @default 3
   */
  readonly prodReplicas?: number;
  /**
   * Distinguishes repeated deployments of the same generated fleet: names the fleet
   * `generated-<runId>` and its namespaces `ns-<runId>-<n>`, so every run creates fresh objects.
   *
   * @default - fleet `generated`, namespaces `ns-<n>`
   */
  readonly runId?: string;
  /**
   * The regions clusters are spread over.
   *
   * @default - five regions
   */
  readonly regions?: readonly string[];
  /**
   * The fleet's `shardSize`.
   *
   * @default - the fleet's default
   */
  readonly shardSize?: number;
}

const REGIONS = ['us-west', 'us-east', 'eu-west', 'eu-central', 'ap-south'];
const ENVS = ['prod', 'test', 'dev'];

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  if (seed === 0) return out;
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function chartBundle(chart: Chart, ctx: BundleContext): void {
  const d = new kplus.Deployment(chart, 'app', {
    metadata: { name: ctx.bundle },
    replicas: valueAt<number>(ctx.values, 'replicas', 1),
    containers: [{ image: valueAt<string>(ctx.values, 'image', 'nginx:1.27'), portNumber: 8080 }],
  });
  d.exposeViaService({ name: ctx.bundle, ports: [{ port: 80, targetPort: 8080 }] });
}

function plainObjects(name: string): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${name}-config` }, data: { 'app.properties': `name=${name}\nlevel=info\n` } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: `example/${name}:1.0` }] } },
      },
    },
  ];
}

/**
 * A generated fleet for benchmarks and determinism tests: `clusters` clusters spread over five
 * regions and three environments, one group per region, one overlay per region, and `bundles`
 * bundles each targeting every cluster with a `prod` customization.
 */
export function generateFleet(options: GeneratedFleetOptions): Fleet {
  const fleet = new Fleet({
    name: options.runId ? `generated-${options.runId}` : 'generated',
    ...(options.shardSize !== undefined ? { shardSize: options.shardSize } : {}),
  });
  const regions = options.regions ?? REGIONS;
  const nsPrefix = options.runId ? `ns-${options.runId}-` : 'ns-';
  const seed = options.shuffleSeed ?? 0;
  const clusterScope = new Construct(fleet, 'Clusters');
  const clusterIdx = shuffled(
    Array.from({ length: options.clusters }, (_, i) => i),
    seed,
  );
  for (const i of clusterIdx) {
    const region = regions[i % regions.length];
    new Cluster(clusterScope, `c-${String(i).padStart(4, '0')}`, {
      region,
      labels: { region, env: ENVS[Math.floor(i / regions.length) % ENVS.length] },
    });
  }
  for (const region of shuffled(regions.slice(0, Math.min(regions.length, options.clusters)), seed)) {
    new ClusterGroup(fleet, `group-${region}`, { selector: { matchLabels: { region } }, labels: { region }, values: { group: region } });
    new RegionOverlay(fleet, region, { imageRegistry: `mirror.${region}.example.com`, labels: { 'example.com/region': region } });
  }
  const bundleScope = new Construct(fleet, 'Bundles');
  const count = options.bundles ?? 20;
  for (const i of shuffled(
    Array.from({ length: count }, (_, n) => n),
    seed,
  )) {
    const name = `bundle-${String(i).padStart(2, '0')}`;
    new Bundle(bundleScope, name, {
      defaultNamespace: `${nsPrefix}${i % 5}`,
      values: { replicas: 1 },
      sources: [i % 2 === 0 ? Source.chart(chartBundle) : Source.objects(plainObjects(name))],
      targets: [{ name: 'all', clusterSelector: {} }],
      targetCustomizations: [
        { name: 'prod', clusterSelector: { matchLabels: { env: 'prod' } }, values: { replicas: options.prodReplicas ?? 3 } },
      ],
    });
  }
  return fleet;
}
