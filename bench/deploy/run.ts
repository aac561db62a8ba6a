/**
 * Deployment benchmark: wall time of a first `up` and of a no-change `preview` of every region
 * of the local fleet through the real CLI (`fleetwright up --local`, a child process: regions run
 * in parallel), against `kubectl apply --server-side` of the same synthesized manifests, in the
 * same run: to each cluster in turn, and to all clusters in parallel. Medians of several runs.
 *
 * - full: the sample fleet on the local fleet's 6 kwok clusters (Deployments become Ready; the
 *   kubectl baselines also wait for them to be Available). Objects are removed between runs
 *   (`fleetwright destroy --local` and `kubectl delete`, not timed).
 * - light: a generated fleet of 20 clusters × 5 bundles on API servers only (no controllers, so no
 *   readiness waits); every run deploys a fresh copy (new fleet name and namespaces).
 *
 * Requires the local fleet to be up in the matching mode (`npx fleetwright dev up [--light]`, with
 * `--fleet build/bench/deploy/fleet.js` and BENCH_CLUSTERS=20 for light).
 *
 * usage: node build/bench/deploy/run.js --mode full|light [--runs 3]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalWorkspace } from '@pulumi/pulumi/automation';
import { Fleet } from '../../src/model/fleet';
import { writeSynthesis } from '../../src/synth/output';
import { synthesizeFleet } from '../../src/synth/synth';
import { pulumiEnv } from '../../src/deploy/automation';
import { readState } from '../../src/dev/local-fleet';
import { loadFleet } from '../../src/project/load';
import { projectRoot } from '../../src/cli/deploy';
import { localFleetPaths } from '../../src/cli/dev';
import { benchFleet } from './fleet';
import { arg, check, CRD_NOT_READY, kubectlAll, machineCpuSeconds, measure, median } from '../util';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'bin', 'fleetwright.js');
const FLEET_MODULE = path.join(__dirname, 'fleet.js');

function kubectl(args: readonly string[], retries = 0): void {
  for (let attempt = 0; ; attempt++) {
    const r = spawnSync('kubectl', args, { encoding: 'utf8' });
    if (r.status === 0) return;
    // CRDs and the custom resources using them arrive in one file: retry once the CRD is established.
    if (attempt < retries && CRD_NOT_READY.test(r.stderr)) {
      spawnSync('sleep', ['1']);
      continue;
    }
    throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr}`);
  }
}

function seconds(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function main(): Promise<void> {
  const mode = arg('mode', 'full');
  const runs = Number(arg('runs', '3'));
  const root = projectRoot(path.join(ROOT, 'examples', 'edge-fleet'));
  const state = readState(localFleetPaths(root));
  if (!state || state.mode !== mode)
    throw new Error(`start the local fleet in ${mode} mode first (npx fleetwright dev up${mode === 'light' ? ' --light' : ''})`);
  const kubeconfigs = Object.fromEntries(Object.values(state.clusters).map((c) => [c.name, c.kubeconfig]));
  // The sample fleet through the CLI's own loader (its bundles are found next to its TypeScript
  // source), loaded once: every run deploys the same fleet.
  const sample = mode === 'full' ? loadFleet(path.join(ROOT, 'examples', 'edge-fleet', 'fleet.ts')) : undefined;
  const fleetFor = (run: string): Fleet => sample ?? benchFleet(run);
  const samples = { up: [] as number[], preview: [] as number[], kubectl: [] as number[], kubectlParallel: [] as number[] };
  // CPU-seconds the machine spent on each (the local fleet's API servers included): on 2 cores, a
  // step that keeps both busy cannot finish in less than half of it.
  const cpu = { up: [] as number[], kubectlParallel: [] as number[] };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetwright-bench-deploy-'));
  const full = mode === 'full';
  const cliArgs = full ? [] : ['--fleet', FLEET_MODULE];
  try {
    for (let run = 0; run < runs; run++) {
      const env = { ...process.env, NO_COLOR: '1', BENCH_RUN: `p${run}` };
      const upCpu = machineCpuSeconds();
      samples.up.push(check(await measure(root, 'node', [CLI, ...cliArgs, 'up', '--local'], env), 'up').seconds);
      cpu.up.push(machineCpuSeconds() - upCpu);
      samples.preview.push(check(await measure(root, 'node', [CLI, ...cliArgs, 'preview', '--local'], env), 'preview').seconds);
      if (full) check(await measure(root, 'node', [CLI, ...cliArgs, 'destroy', '--local'], env), 'destroy');
      else {
        const ws = await LocalWorkspace.create({ workDir: root, envVars: pulumiEnv(root) });
        for (const s of await ws.listStacks())
          if (/local-/.test(s.name)) await ws.removeStack(s.name.split('/').pop() as string, { force: true });
      }

      for (const parallel of [false, true]) {
        const out = path.join(tmp, `k${run}${parallel ? 'p' : 's'}`);
        const synth = synthesizeFleet(fleetFor(`k${run}${parallel ? 'p' : 's'}`));
        writeSynthesis(synth, out);
        const wait = full ? { fleet: synth.fleet } : undefined;
        const kubectlCpu = machineCpuSeconds();
        const timed = parallel
          ? (
              await Promise.all(
                [...new Set(synth.clusters.map((c) => c.region))].map((r) =>
                  kubectlAll(path.join(out, r), kubeconfigs, wait).then((m) => m.seconds),
                ),
              )
            ).reduce((a, b) => Math.max(a, b), 0)
          : seconds(() => {
              for (const c of synth.clusters) {
                const dir = path.join(out, c.region, c.name);
                for (const file of fs.readdirSync(dir).sort())
                  kubectl(['--kubeconfig', kubeconfigs[c.name], 'apply', '--server-side', '-f', path.join(dir, file)], 20);
                if (wait) {
                  const selector = `fleetwright.io/fleet=${synth.fleet}`;
                  kubectl([
                    '--kubeconfig',
                    kubeconfigs[c.name],
                    'wait',
                    '--for=condition=Available',
                    'deployments',
                    '--all',
                    '-A',
                    '-l',
                    selector,
                    '--timeout=300s',
                  ]);
                }
              }
            });
        (parallel ? samples.kubectlParallel : samples.kubectl).push(timed);
        if (parallel) cpu.kubectlParallel.push(machineCpuSeconds() - kubectlCpu);
        if (full) {
          for (const c of synth.clusters) {
            const dir = path.join(out, c.region, c.name);
            for (const file of fs.readdirSync(dir).sort().reverse())
              kubectl(['--kubeconfig', kubeconfigs[c.name], 'delete', '--wait', '--ignore-not-found', '-f', path.join(dir, file)]);
          }
        }
      }
      process.stderr.write(
        `run ${run + 1}: up ${samples.up[run].toFixed(1)}s, preview ${samples.preview[run].toFixed(1)}s, ` +
          `kubectl in turn ${samples.kubectl[run].toFixed(1)}s, in parallel ${samples.kubectlParallel[run].toFixed(1)}s\n`,
      );
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const clusters = Object.keys(kubeconfigs).length;
  const k = median(samples.kubectl);
  const kp = median(samples.kubectlParallel);
  const row = (step: string, s: number): string =>
    `| ${clusters} clusters (${mode}) | ${step} | ${s.toFixed(1)} | ${k.toFixed(1)} | ${kp.toFixed(1)} | ${(s / k).toFixed(2)} | ${(s / kp).toFixed(2)} |`;
  process.stdout.write(
    [
      '| setup | step | median fleetwright (s) | median kubectl, clusters in turn (s) | median kubectl, clusters in parallel (s) | ratio vs in turn | ratio vs parallel |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      row('first `up`', median(samples.up)),
      row('no-change `preview`', median(samples.preview)),
      '',
      `Machine CPU-seconds (every process, API servers included), median: first \`up\` ${median(cpu.up).toFixed(1)}, ` +
        `kubectl in parallel ${median(cpu.kubectlParallel).toFixed(1)} (${os.cpus().length} cores).`,
      '',
      `${runs} runs; samples ${JSON.stringify({ ...samples, cpu })}`,
      '',
    ].join('\n'),
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
