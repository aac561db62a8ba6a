/**
 * Local fleet benchmark: wall time of `dev up` and the resident memory of every process it starts,
 * for the sample fleet's 6 clusters in full mode and 50 generated clusters in light mode, several
 * runs each (`dev down` between runs, not timed). The ratio compares the per-cluster cost of light
 * mode with full mode, measured in the same command.
 *
 * usage: node build/bench/devfleet/run.js [--runs 3] [--light-clusters 50]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Fleet } from '../../src/model/fleet';
import { devDown, devUp, LocalFleetMode, LocalFleetPaths } from '../../src/dev/local-fleet';
import { defineFleet } from '../../examples/edge-fleet/fleet';
import { generateFleet } from '../synth/generate';
import { arg, median } from '../util';

/** Sum of VmRSS of every process whose command line mentions `marker`, in MiB. */
function rssOf(marker: string): number {
  let kb = 0;
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (!fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) continue;
      kb += Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // the process ended
    }
  }
  return kb / 1024;
}

async function measure(fleet: () => Fleet, mode: LocalFleetMode, runs: number): Promise<{ wall: number; rss: number; clusters: number }> {
  const walls: number[] = [];
  const rss: number[] = [];
  let clusters = 0;
  for (let i = 0; i < runs; i++) {
    const paths: LocalFleetPaths = { dir: fs.mkdtempSync(path.join(os.tmpdir(), 'fleetwright-bench-dev-')) };
    try {
      const start = process.hrtime.bigint();
      clusters = (await devUp(fleet(), paths, { mode }, () => undefined)).length;
      walls.push(Number(process.hrtime.bigint() - start) / 1e9);
      await new Promise((r) => setTimeout(r, 10_000)); // let start-up work settle before reading memory
      rss.push(rssOf(paths.dir));
      process.stderr.write(`${mode} ${clusters} clusters: up ${walls[i].toFixed(1)}s, ${rss[i].toFixed(0)} MiB\n`);
    } finally {
      await devDown(paths, () => undefined);
    }
  }
  return { wall: median(walls), rss: median(rss), clusters };
}

async function main(): Promise<void> {
  const runs = Number(arg('runs', '3'));
  const lightClusters = Number(arg('light-clusters', '50'));
  const full = await measure(() => defineFleet(), LocalFleetMode.FULL, runs);
  const light = await measure(() => generateFleet({ clusters: lightClusters, bundles: 1 }), LocalFleetMode.LIGHT, runs);
  const perCluster = (r: { wall: number; rss: number; clusters: number }): [number, number] => [r.wall / r.clusters, r.rss / r.clusters];
  const [fw, fm] = perCluster(full);
  const [lw, lm] = perCluster(light);
  process.stdout.write(
    [
      '| local fleet | median `dev up` wall (s) | median resident memory (MiB) | per cluster: s / MiB | per-cluster ratio vs full (time / memory) |',
      '| --- | --- | --- | --- | --- |',
      `| ${full.clusters} clusters, full (kwokctl) | ${full.wall.toFixed(1)} | ${full.rss.toFixed(0)} | ${fw.toFixed(1)} / ${fm.toFixed(0)} | 1.00 / 1.00 |`,
      `| ${light.clusters} clusters, light (shared etcd) | ${light.wall.toFixed(1)} | ${light.rss.toFixed(0)} | ${lw.toFixed(1)} / ${lm.toFixed(0)} | ${(lw / fw).toFixed(2)} / ${(lm / fm).toFixed(2)} |`,
      '',
      `${runs} runs each, ${os.cpus().length} cores`,
      '',
    ].join('\n'),
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
