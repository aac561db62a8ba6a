/**
 * Local fleet benchmark: wall time of `dev up` and the memory of every process it starts, for the
 * sample fleet's 6 clusters in full mode and 50 generated clusters in light mode, several runs each
 * (`dev down` between runs, not timed). The ratio compares the per-cluster cost of light mode with
 * full mode, measured in the same command. With `--light-baseline`, light mode also runs without
 * the API servers' memory settings (`lean: false`, the light mode of earlier versions), and the
 * last column compares the per-cluster memory with it. `--light-only` leaves out full mode.
 *
 * Memory is read twice: resident (VmRSS, which counts the pages of the kube-apiserver binary once
 * per process although they are shared) and proportional (Pss, which splits shared pages between
 * the processes that map them, so sums of it are what the machine really holds).
 *
 * usage: node build/bench/devfleet/run.js [--runs 3] [--light-clusters 50] [--light-baseline] [--light-only]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Fleet } from '../../src/model/fleet';
import { devDown, devUp, LocalFleetMode, LocalFleetPaths } from '../../src/dev/local-fleet';
import { defineFleet } from '../../examples/edge-fleet/fleet';
import { generateFleet } from '../synth/generate';
import { arg, median } from '../util';

/** Sums of VmRSS and of Pss of every process whose command line mentions `marker`, in MiB. */
function memoryOf(marker: string): { rss: number; pss: number } {
  let rss = 0;
  let pss = 0;
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (!fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) continue;
      rss += Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      pss += Number(/^Pss:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      // the process ended
    }
  }
  return { rss: rss / 1024, pss: pss / 1024 };
}

interface Result {
  /** Table label. */
  readonly label: string;
  /** Median wall time of `dev up` (s). */
  readonly wall: number;
  /** Median VmRSS sum (MiB). */
  readonly rss: number;
  /** Median Pss sum (MiB). */
  readonly pss: number;
  /** Clusters started. */
  readonly clusters: number;
  /** One line per run. */
  readonly samples: string;
}

async function measure(label: string, fleet: () => Fleet, mode: LocalFleetMode, runs: number, lean = true): Promise<Result> {
  const walls: number[] = [];
  const rss: number[] = [];
  const pss: number[] = [];
  let clusters = 0;
  for (let i = 0; i < runs; i++) {
    const paths: LocalFleetPaths = { dir: fs.mkdtempSync(path.join(os.tmpdir(), 'fleetwright-bench-dev-')) };
    try {
      const start = process.hrtime.bigint();
      clusters = (await devUp(fleet(), paths, { mode, lean }, () => undefined)).length;
      walls.push(Number(process.hrtime.bigint() - start) / 1e9);
      await new Promise((r) => setTimeout(r, 10_000)); // let start-up work settle before reading memory
      const m = memoryOf(paths.dir);
      rss.push(m.rss);
      pss.push(m.pss);
      process.stderr.write(`${label}: up ${walls[i].toFixed(1)}s, RSS ${rss[i].toFixed(0)} MiB, PSS ${pss[i].toFixed(0)} MiB\n`);
    } finally {
      await devDown(paths, () => undefined);
    }
  }
  const samples = `${label}: up ${walls.map((w) => w.toFixed(1)).join(' / ')} s, RSS ${rss.map((r) => r.toFixed(0)).join(' / ')} MiB, PSS ${pss.map((r) => r.toFixed(0)).join(' / ')} MiB`;
  return { label, wall: median(walls), rss: median(rss), pss: median(pss), clusters, samples };
}

async function main(): Promise<void> {
  const runs = Number(arg('runs', '3'));
  const lightClusters = Number(arg('light-clusters', '50'));
  const lightOnly = process.argv.includes('--light-only');
  const baseline = process.argv.includes('--light-baseline');
  const lightFleet = (): Fleet => generateFleet({ clusters: lightClusters, bundles: 1 });
  const full = lightOnly ? undefined : await measure('full (kwokctl)', () => defineFleet(), LocalFleetMode.FULL, runs);
  const plain = baseline ? await measure('light, untuned API servers', lightFleet, LocalFleetMode.LIGHT, runs, false) : undefined;
  const light = await measure('light (shared etcd)', lightFleet, LocalFleetMode.LIGHT, runs);
  const per = (r: Result): { s: number; rss: number; pss: number } => ({
    s: r.wall / r.clusters,
    rss: r.rss / r.clusters,
    pss: r.pss / r.clusters,
  });
  const row = (r: Result): string => {
    const p = per(r);
    const vsFull = full ? `${(p.s / per(full).s).toFixed(2)} / ${(p.rss / per(full).rss).toFixed(2)}` : '–';
    const vsPlain = plain && r !== full ? `${(p.rss / per(plain).rss).toFixed(2)} / ${(p.pss / per(plain).pss).toFixed(2)}` : '–';
    return `| ${r.clusters} clusters, ${r.label} | ${r.wall.toFixed(1)} | ${r.rss.toFixed(0)} | ${p.s.toFixed(1)} / ${p.rss.toFixed(0)} | ${vsFull} | ${p.pss.toFixed(0)} | ${vsPlain} |`;
  };
  const rows = [full, plain, light].filter((r): r is Result => r !== undefined);
  process.stdout.write(
    [
      '| local fleet | median `dev up` wall (s) | median resident memory (MiB) | per cluster: s / MiB | per-cluster ratio vs full (time / memory) | per cluster PSS (MiB) | per-cluster memory vs untuned light (RSS / PSS) |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      ...rows.map(row),
      '',
      `${runs} runs each, ${os.cpus().length} cores`,
      '',
      ...rows.map((r) => `- ${r.samples}`),
      '',
    ].join('\n'),
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
