/**
 * Helm bundle benchmark: synthesis of 200 clusters with one Helm bundle (the sample fleet's
 * vendored status-page chart) whose values differ in 3 ways across them (tier per env), against
 * running `helm template` once per cluster with that cluster's values (what a per-cluster renderer
 * does). Each run starts from an empty render cache; both sides run in this process, in turn.
 *
 * usage: node build/bench/helm/run.js [--runs 5] [--clusters 200]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Construct } from 'constructs';
import { Bundle } from '../../src/model/bundle';
import { Cluster } from '../../src/model/cluster';
import { Fleet } from '../../src/model/fleet';
import { Source } from '../../src/sources/sources';
import { FleetSynthesis, synthesizeFleet } from '../../src/synth/synth';
import { projectRoot } from '../../src/project/paths';
import { arg, median } from '../util';

const CHART = path.join(projectRoot(), 'fleet', 'bundles', 'status-page', 'chart');
const ENVS = ['dev', 'test', 'prod'] as const;
const TIER = { dev: 'bronze', test: 'silver', prod: 'gold' };

function fleetOf(clusters: number): Fleet {
  const fleet = new Fleet({ name: 'bench-helm' });
  const scope = new Construct(fleet, 'Clusters');
  for (let i = 0; i < clusters; i++) {
    new Cluster(scope, `c-${String(i).padStart(4, '0')}`, { region: 'r', labels: { env: ENVS[i % 3] } });
  }
  new Bundle(fleet, 'status-page', {
    defaultNamespace: 'status',
    sources: [Source.helm({ chart: CHART, releaseName: 'status' })],
    targets: [{ clusterSelector: {} }],
    targetCustomizations: ENVS.map((env) => ({ name: env, clusterSelector: { matchLabels: { env } }, values: { tier: TIER[env] } })),
  });
  return fleet;
}

function perCluster(clusters: number): number {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetwright-bench-helm-'));
  try {
    for (let i = 0; i < clusters; i++) {
      const values = path.join(tmp, 'values.json');
      fs.writeFileSync(values, JSON.stringify({ tier: TIER[ENVS[i % 3]] }));
      const r = spawnSync(
        'helm',
        ['template', 'status', CHART, '--namespace', 'status', '--values', values, '--include-crds', '--skip-tests'],
        {
          encoding: 'utf8',
        },
      );
      if (r.status !== 0) throw new Error(r.stderr);
    }
    return clusters;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function seconds(f: () => void): number {
  const start = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function main(): void {
  const runs = Number(arg('runs', '5'));
  const clusters = Number(arg('clusters', '200'));
  const ours: number[] = [];
  const baseline: number[] = [];
  let helmRuns = 0;
  for (let i = 0; i < runs; i++) {
    let synth: FleetSynthesis | undefined;
    ours.push(seconds(() => (synth = synthesizeFleet(fleetOf(clusters)))));
    helmRuns = synth?.stats.helmTemplate ?? 0;
    baseline.push(seconds(() => perCluster(clusters)));
    process.stderr.write(`run ${i + 1}: synth ${ours[i].toFixed(2)}s (${helmRuns} helm runs), per cluster ${baseline[i].toFixed(2)}s\n`);
  }
  process.stdout.write(
    [
      '| what | `helm template` runs | median wall (s) | ratio vs per-cluster |',
      '| --- | --- | --- | --- |',
      `| \`synthesizeFleet\`, ${clusters} clusters, Helm bundle with 3 value variants | ${helmRuns} | ${median(ours).toFixed(2)} | ${(median(ours) / median(baseline)).toFixed(3)} |`,
      `| \`helm template\` once per cluster (baseline) | ${clusters} | ${median(baseline).toFixed(2)} | 1.000 |`,
      '',
      `${runs} runs, node ${process.version}, ${os.cpus().length} cores`,
      '',
    ].join('\n'),
  );
}

main();
