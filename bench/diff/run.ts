/**
 * Offline diff benchmark: a generated fleet of 1,000 clusters × 20 bundles in which one
 * customization changed (`prod` replicas 3 → 4, on a third of the clusters). Both sides are
 * synthesized once (not timed); then `fleetwright diff --base A --head B --format json` runs in a
 * fresh process several times, against GNU `diff -r A B` of the same folders as the baseline.
 *
 * usage: node build/bench/diff/run.js [--runs 5] [--clusters 1000]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeSynthesis } from '../../src/synth/output';
import { synthesizeFleet } from '../../src/synth/synth';
import { generateFleet } from '../synth/generate';
import { arg, median } from '../util';

function time(cmd: string, args: readonly string[], okCodes: readonly number[]): { seconds: number; stderr: string } {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (!okCodes.includes(r.status ?? -1)) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { seconds, stderr: r.stderr };
}

function main(): void {
  const runs = Number(arg('runs', '5'));
  const clusters = Number(arg('clusters', '1000'));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetwright-bench-diff-'));
  try {
    const base = path.join(tmp, 'base');
    const head = path.join(tmp, 'head');
    writeSynthesis(synthesizeFleet(generateFleet({ clusters, prodReplicas: 3 })), base);
    writeSynthesis(synthesizeFleet(generateFleet({ clusters, prodReplicas: 4 })), head);
    const child = path.join(__dirname, '..', 'synth', 'child.js');
    const ours: number[] = [];
    const rss: number[] = [];
    const gnu: number[] = [];
    for (let i = 0; i < runs; i++) {
      const r = time(process.execPath, [child, 'diff', '--base', base, '--head', head, '--format', 'json'], [2]);
      ours.push(r.seconds);
      rss.push(Number(/maxRssKb=(\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024);
      gnu.push(time('diff', ['-r', base, head], [1]).seconds);
      process.stderr.write(`run ${i + 1}: fleetwright diff ${r.seconds.toFixed(2)}s, diff -r ${gnu[i].toFixed(2)}s\n`);
    }
    process.stdout.write(
      [
        '| what | median wall (s) | median peak RSS (MiB) | ratio vs `diff -r` |',
        '| --- | --- | --- | --- |',
        `| \`fleetwright diff\` ${clusters} × 20, one customization changed | ${median(ours).toFixed(2)} | ${median(rss).toFixed(0)} | ${(median(ours) / median(gnu)).toFixed(2)} |`,
        `| GNU \`diff -r\` of the same folders (baseline) | ${median(gnu).toFixed(2)} | – | 1.00 |`,
        '',
        `${runs} runs, node ${process.version}, ${os.cpus().length} cores`,
        '',
      ].join('\n'),
    );
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();
