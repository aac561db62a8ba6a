/**
 * Scale benchmark: one region of N light clusters × 5 bundles, deployed by the real CLI
 * (`fleetwright up --local --region scale`, a child process) as one stack and as shard stacks; for
 * each: wall time of the first `up`, of a no-change `preview`, and the peak resident memory of the
 * whole process tree (fleetwright, the Pulumi engines, language hosts and Kubernetes providers),
 * sampled every 250 ms. Baseline in the same run: the same synthesized objects applied with
 * `kubectl apply --server-side`, all clusters in parallel. Medians of `--runs` runs.
 *
 * Requires the local fleet in light mode with at least max(N) clusters of this fleet:
 *   SCALE_CLUSTERS=100 node bin/fleetwright.js --fleet build/bench/scale/fleet.js dev up --light
 *
 * Configs (`--configs`): `single` (one stack), `sharded` (shards of 25, the default; skipped where
 * that is one stack), `per-step-checkpoints` (the default shards with Pulumi's checkpoint after
 * every step, `PULUMI_SKIP_CHECKPOINTS=false`: fleetwright's default until 2026-12-02) and
 * `pulumi-checkpoints` (the default shards with Pulumi's own DIY settings: a checkpoint after every
 * step, a backup of it each time, uncompressed). `--single-runs-at-100 0` leaves out one stack of
 * 100 clusters, which does not fit beside 100 local API servers on 24 GiB.
 *
 * usage: node build/bench/scale/run.js [--clusters 25,50,100] [--runs 3] [--configs single,sharded]
 *        [--single-runs-at-100 1]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readState } from '../../src/dev/local-fleet';
import { DEFAULT_SHARD_SIZE } from '../../src/model/shards';
import { localFleetPaths } from '../../src/cli/dev';
import { projectRoot } from '../../src/cli/deploy';
import { writeSynthesis } from '../../src/synth/output';
import { synthesizeFleet } from '../../src/synth/synth';
import { scaleFleet, SCALE_REGION } from './fleet';
import { arg, check, kubectlAll, measure, median } from '../util';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'bin', 'fleetwright.js');
const FLEET_MODULE = path.join(__dirname, 'fleet.js');
const PROJECT = path.join(ROOT, 'examples', 'edge-fleet');

/** How each config is named in the table. */
const LABELS: Record<string, string> = {
  single: 'one stack',
  sharded: 'shards of 25',
  'per-step-checkpoints': 'shards of 25, a checkpoint per step',
  'pulumi-checkpoints': "Pulumi's DIY defaults",
};

async function main(): Promise<void> {
  const sizes = arg('clusters', '25,50,100').split(',').map(Number);
  const runs = Number(arg('runs', '3'));
  const configs = arg('configs', 'single,sharded').split(',');
  const singleRunsAt100 = Number(arg('single-runs-at-100', String(runs)));
  const root = projectRoot(path.join(ROOT, 'examples', 'edge-fleet'));
  const state = readState(localFleetPaths(root));
  if (!state || state.mode !== 'light') throw new Error('start the local fleet in light mode first (see the usage above)');
  const kubeconfigs = Object.fromEntries(Object.values(state.clusters).map((c) => [c.name, c.kubeconfig]));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetwright-bench-scale-'));
  const rows: string[] = [];
  const raw: Record<string, unknown> = {};
  try {
    for (const n of sizes) {
      if (Object.keys(kubeconfigs).length < n)
        throw new Error(`the local fleet has ${Object.keys(kubeconfigs).length} clusters; ${n} needed`);
      const samples: Record<string, { up: number[]; preview: number[]; peak: number[] }> = {};
      const k: number[] = [];
      for (let run = 0; run < runs; run++) {
        for (const config of configs) {
          if (config === 'single' && n >= 100 && run >= singleRunsAt100) continue;
          // Within one shard, `sharded` is the same single stack.
          if (config === 'sharded' && n <= DEFAULT_SHARD_SIZE) continue;
          const env = {
            ...process.env,
            NO_COLOR: '1',
            SCALE_CLUSTERS: String(n),
            SCALE_RUN: `${config[0]}${n}r${run}`,
            ...(config === 'single' ? { SCALE_SHARD_SIZE: '100000' } : {}),
            ...(config === 'pulumi-checkpoints'
              ? {
                  PULUMI_DIY_BACKEND_DISABLE_CHECKPOINT_BACKUPS: 'false',
                  PULUMI_DIY_BACKEND_GZIP: 'false',
                  PULUMI_SKIP_CHECKPOINTS: 'false',
                }
              : {}),
            ...(config === 'per-step-checkpoints' ? { PULUMI_SKIP_CHECKPOINTS: 'false' } : {}),
          };
          const base = ['--fleet', FLEET_MODULE];
          const up = check(
            await measure(PROJECT, 'node', [CLI, ...base, 'up', '--local', '--region', SCALE_REGION], env),
            `up (${config}, ${n})`,
          );
          const preview = check(
            await measure(PROJECT, 'node', [CLI, ...base, 'preview', '--local', '--region', SCALE_REGION], env),
            `preview (${config}, ${n})`,
          );
          const s = (samples[config] ??= { up: [], preview: [], peak: [] });
          s.up.push(up.seconds);
          s.preview.push(preview.seconds);
          s.peak.push(Math.max(up.peakMiB, preview.peakMiB));
          process.stderr.write(
            `${n} clusters, ${config}, run ${run + 1}: up ${up.seconds.toFixed(1)}s (peak ${up.peakMiB.toFixed(0)} MiB), preview ${preview.seconds.toFixed(1)}s\n`,
          );
          // The next run deploys a fresh fleet: forget this one's stacks (its objects stay).
          check(await measure(PROJECT, 'node', [path.join(__dirname, 'forget.js')], env), 'forget stacks');
        }
        const out = path.join(tmp, `k${n}-${run}`);
        process.env.SCALE_CLUSTERS = String(n);
        process.env.SCALE_RUN = `k${n}r${run}`;
        writeSynthesis(synthesizeFleet(scaleFleet()), out);
        const kc = await kubectlAll(path.join(out, SCALE_REGION), kubeconfigs);
        k.push(kc.seconds);
        process.stderr.write(`${n} clusters, kubectl, run ${run + 1}: ${kc.seconds.toFixed(1)}s\n`);
      }
      const km = median(k);
      rows.push(`| ${n} | kubectl apply --server-side, all clusters in parallel | ${km.toFixed(1)} | – | – | 1.00 |`);
      for (const [config, s] of Object.entries(samples)) {
        const u = median(s.up);
        rows.push(
          `| ${n} | \`up\`, ${LABELS[config] ?? config} (${s.up.length} runs) | ${u.toFixed(1)} | ${median(s.preview).toFixed(1)} | ${(median(s.peak) / 1024).toFixed(2)} | ${(u / km).toFixed(2)} |`,
        );
      }
      raw[n] = { kubectl: k, ...samples };
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  process.stdout.write(
    [
      '| clusters | run | median first deploy (s) | median no-change `preview` (s) | median peak memory, deploy side (GiB) | deploy time / kubectl |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows,
      '',
      `${runs} runs, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; samples (s): ${JSON.stringify(raw)}`,
      '',
    ].join('\n'),
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
