/**
 * Synthesis benchmark: `fleetwright synth` of generated fleets of 10, 100 and 1,000 clusters × 20
 * bundles, each run in a fresh process, several times. Reports the median wall time and peak
 * memory per size and the growth ratio against the 10-cluster baseline of the same run.
 *
 * usage: node build/bench/synth/run.js [--runs 5] [--sizes 10,100,1000] [--markdown]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { arg, median } from '../util';

interface Sample {
  readonly wallMs: number;
  readonly maxRssMb: number;
}

function runOnce(clusters: number, out: string): Sample {
  const child = path.join(__dirname, 'child.js');
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [child, '--fleet', path.join(__dirname, 'fleet.js'), 'synth', '--out', out], {
    env: { ...process.env, BENCH_CLUSTERS: String(clusters) },
    encoding: 'utf8',
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`synth of ${clusters} clusters failed:\n${r.stderr}`);
  const rss = /maxRssKb=(\d+)/.exec(r.stderr);
  return { wallMs, maxRssMb: rss ? Number(rss[1]) / 1024 : NaN };
}

function main(): void {
  const runs = Number(arg('runs', '5'));
  const sizes = arg('sizes', '10,100,1000').split(',').map(Number);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetwright-bench-'));
  try {
    const rows: { clusters: number; wall: number; rss: number; samples: Sample[] }[] = [];
    for (const clusters of sizes) {
      const samples: Sample[] = [];
      for (let i = 0; i < runs; i++) samples.push(runOnce(clusters, path.join(tmp, 'dist')));
      rows.push({ clusters, wall: median(samples.map((s) => s.wallMs)), rss: median(samples.map((s) => s.maxRssMb)), samples });
      process.stderr.write(`${clusters} clusters: ${samples.map((s) => `${(s.wallMs / 1000).toFixed(2)}s`).join(' ')}\n`);
    }
    const base = rows[0];
    const lines = [
      `| clusters × bundles | median wall (s) | median peak RSS (MiB) | wall ratio vs ${base.clusters} clusters | size ratio |`,
      '| --- | --- | --- | --- | --- |',
      ...rows.map(
        (r) =>
          `| ${r.clusters} × 20 | ${(r.wall / 1000).toFixed(2)} | ${r.rss.toFixed(0)} | ${(r.wall / base.wall).toFixed(2)} | ${(r.clusters / base.clusters).toFixed(0)} |`,
      ),
    ];
    process.stdout.write(`${lines.join('\n')}\n\n${runs} runs per size, node ${process.version}, ${os.cpus().length} cores\n`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();
