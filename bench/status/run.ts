/**
 * Live status benchmark: how long `status --live` takes to read every cluster (`readFleetStatus`,
 * the code the CLI runs, after the client module is loaded), against `kubectl get` of the same kinds
 * with the same label selector, one kubectl per cluster, all clusters in parallel, in the same run.
 * Medians of several runs.
 *
 * - full: the sample fleet on the local fleet's 6 kwok clusters (controllers run: Deployments are
 *   Ready);
 * - light: a generated fleet of 50 clusters × 5 bundles on API servers only (no controllers, so
 *   every Deployment is NotReady and fleetwright also lists its Pods for the reason: more requests
 *   than kubectl makes).
 *
 * Each mode starts its own local fleet in a temporary folder, applies the synthesized objects with
 * `kubectl apply --server-side --field-manager fleetwright` (what `up` applies, without the
 * engine), measures, and stops the fleet.
 *
 * usage: node build/bench/status/run.js [--mode full|light|both] [--runs 5] [--light-clusters 50]
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pLimit from 'p-limit';
import { Fleet } from '../../src/model/fleet';
import { FIELD_MANAGER } from '../../src/model/objects';
import { devDown, devUp, LocalFleetMode, LocalFleetPaths } from '../../src/dev/local-fleet';
import { synthesizeFleet } from '../../src/synth/synth';
import { COMMON_KINDS, KindRef, kindsOf, readFleetStatus } from '../../src/status/read';
import { loadFleet } from '../../src/project/load';
import { generateFleet } from '../synth/generate';
import { arg, median } from '../util';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function exec(cmd: string, args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** `kubectl apply --server-side` of a cluster's objects, retried while CRDs become established. */
async function apply(kubeconfig: string, file: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const r = await exec('kubectl', ['--kubeconfig', kubeconfig, 'apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '-f', file]);
    if (r.code === 0) return;
    if (attempt < 30 && /ensure CRDs are installed first|no matches for kind|could not find the requested resource/.test(r.stderr)) {
      await new Promise((res) => setTimeout(res, 1000));
      continue;
    }
    throw new Error(`kubectl apply -f ${file} failed: ${r.stderr}`);
  }
}

/** kubectl's name for a kind: `deployments.v1.apps`, `configmaps` (core). */
function resourceArg(k: KindRef): string {
  const [group, version] = k.apiVersion.includes('/') ? k.apiVersion.split('/') : ['', k.apiVersion];
  return group ? `${k.kind.toLowerCase()}.${version}.${group}` : k.kind.toLowerCase();
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

interface Result {
  readonly label: string;
  readonly clusters: number;
  readonly objects: number;
  readonly fleetwright: number[];
  readonly kubectl: number[];
}

async function measure(label: string, fleet: Fleet, mode: LocalFleetMode, runs: number): Promise<Result> {
  const paths: LocalFleetPaths = { dir: fs.mkdtempSync(path.join(os.tmpdir(), 'fleetwright-bench-status-')) };
  try {
    process.stderr.write(`${label}: starting the local fleet\n`);
    const clusters = await devUp(fleet, paths, { mode, nodes: 1 }, () => undefined);
    const kubeconfigs = Object.fromEntries(clusters.map((c) => [c.name, c.kubeconfig]));
    const synth = synthesizeFleet(fleet);
    const limit = pLimit(8);
    process.stderr.write(`${label}: applying ${synth.clusters.length} clusters' objects\n`);
    await Promise.all(
      synth.clusters.map((c) =>
        limit(async () => {
          const file = path.join(paths.dir, `${c.name}.json`);
          const objects = [...c.namespaces, ...c.bundles.flatMap((b) => b.objects)].map((o) => o.manifest);
          fs.writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
          await apply(kubeconfigs[c.name], file);
        }),
      ),
    );
    const kinds = [...COMMON_KINDS, ...kindsOf(synth.clusters)];
    const targets = synth.clusters.map((c) => ({ cluster: c, kubeconfig: fs.readFileSync(kubeconfigs[c.name], 'utf8'), partition: 'all' }));
    const options = { fleet: synth.fleet, manager: FIELD_MANAGER, kinds };
    // kubectl fails on a kind the API server does not serve: ask it only for the served ones.
    const served = (await exec('kubectl', ['--kubeconfig', Object.values(kubeconfigs)[0], 'api-resources', '-o', 'name'])).stdout.split(
      '\n',
    );
    const resources = kinds
      .map(resourceArg)
      .filter((r) => served.some((s) => s !== '' && r.split('.')[0] === s.split('.')[0].replace(/s$/, '')))
      .join(',');
    const kubectlAll = (): Promise<unknown> =>
      Promise.all(
        synth.clusters.map(async (c) => {
          const r = await exec('kubectl', [
            '--kubeconfig',
            kubeconfigs[c.name],
            'get',
            resources,
            '-A',
            '-l',
            `fleetwright.io/fleet=${synth.fleet},fleetwright.io/cluster=${c.name}`,
            '-o',
            'json',
          ]);
          if (r.code !== 0) throw new Error(`kubectl get failed on ${c.name}: ${r.stderr}`);
        }),
      );
    const objects = synth.clusters.reduce((n, c) => n + c.namespaces.length + c.bundles.reduce((m, b) => m + b.objects.length, 0), 0);
    // A warm-up of each (loads the client module, fills the page cache), not counted.
    const first = await readFleetStatus(targets, options);
    if (first.summary.unreachableClusters > 0) throw new Error(`${first.summary.unreachableClusters} clusters unreachable`);
    await kubectlAll();
    const fw: number[] = [];
    const kc: number[] = [];
    for (let i = 0; i < runs; i++) {
      fw.push(await timed(() => readFleetStatus(targets, options)));
      kc.push(await timed(kubectlAll));
      process.stderr.write(
        `${label} run ${i + 1}: fleetwright ${fw[i].toFixed(2)} s, kubectl ${kc[i].toFixed(2)} s (state ${first.summary.state})\n`,
      );
    }
    return { label, clusters: synth.clusters.length, objects, fleetwright: fw, kubectl: kc };
  } finally {
    await devDown(paths, () => undefined);
    fs.rmSync(paths.dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const mode = arg('mode', 'both');
  const runs = Number(arg('runs', '5'));
  const lightClusters = Number(arg('light-clusters', '50'));
  const results: Result[] = [];
  if (mode === 'full' || mode === 'both') {
    // From its sources: the sample fleet's bundle files sit next to fleet.ts, not in build/.
    const sample = loadFleet(path.resolve(__dirname, '..', '..', '..', 'examples', 'edge-fleet', 'fleet.ts'), { typecheck: false });
    results.push(await measure('sample fleet, full', sample, LocalFleetMode.FULL, runs));
  }
  if (mode === 'light' || mode === 'both') {
    const fleet = generateFleet({ clusters: lightClusters, bundles: 5 });
    results.push(await measure(`${lightClusters} clusters × 5 bundles, light`, fleet, LocalFleetMode.LIGHT, runs));
  }
  const rows = results.map((r) => {
    const f = median(r.fleetwright);
    const k = median(r.kubectl);
    return `| ${r.label} | ${r.clusters} | ${r.objects} | ${f.toFixed(2)} | ${k.toFixed(2)} | ${(f / k).toFixed(2)} |`;
  });
  process.stdout.write(
    [
      '| fleet | clusters | objects | `status --live` read, median (s) | `kubectl get` per cluster in parallel, median (s) | ratio |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows,
      '',
      `${runs} runs each, ${os.cpus().length} cores; samples ${JSON.stringify(results.map((r) => ({ label: r.label, fleetwright: r.fleetwright.map((x) => +x.toFixed(2)), kubectl: r.kubectl.map((x) => +x.toFixed(2)) })))}`,
      '',
    ].join('\n'),
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
