/**
 * Deployment benchmark: wall time of a first `up` and of a no-change `preview` of every region
 * stack through the real Pulumi engine, against `kubectl apply --server-side` of the same
 * synthesized manifests to each cluster, in the same run. Medians of several runs.
 *
 * - full: the sample fleet on the local fleet's 6 kwok clusters (Deployments become Ready; the
 *   kubectl baseline also waits for them to be Available). Objects are removed between runs.
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
import { Fleet } from '../../src/model/fleet';
import { writeSynthesis } from '../../src/synth/output';
import { synthesizeFleet } from '../../src/synth/synth';
import { openStack } from '../../src/deploy/automation';
import { readState } from '../../src/dev/local-fleet';
import { defineFleet } from '../../examples/edge-fleet/fleet';
import { projectRoot } from '../../src/cli/deploy';
import { localFleetPaths } from '../../src/cli/dev';
import { benchFleet } from './fleet';
import { arg, median } from '../util';

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function kubectl(args: readonly string[], retries = 0): void {
  for (let attempt = 0; ; attempt++) {
    const r = spawnSync('kubectl', args, { encoding: 'utf8' });
    if (r.status === 0) return;
    // CRDs and the custom resources using them arrive in one file: retry once the CRD is established.
    if (attempt < retries && /ensure CRDs are installed first|no matches for kind|could not find the requested resource/.test(r.stderr)) {
      spawnSync('sleep', ['1']);
      continue;
    }
    throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr}`);
  }
}

async function main(): Promise<void> {
  const mode = arg('mode', 'full');
  const runs = Number(arg('runs', '3'));
  const root = projectRoot();
  const state = readState(localFleetPaths(root));
  if (!state || state.mode !== mode)
    throw new Error(`start the local fleet in ${mode} mode first (npx fleetwright dev up${mode === 'light' ? ' --light' : ''})`);
  const kubeconfigs = Object.fromEntries(Object.values(state.clusters).map((c) => [c.name, c.kubeconfig]));
  const fleetFor = (run: string): Fleet => (mode === 'light' ? benchFleet(run) : defineFleet());
  const regions = fleetFor('r').regions;
  const samples = { up: [] as number[], preview: [] as number[], kubectl: [] as number[] };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetwright-bench-deploy-'));
  try {
    for (let run = 0; run < runs; run++) {
      const fleet = (): Fleet => fleetFor(`p${run}`);
      const stacks = await Promise.all(regions.map((region) => openStack({ root, region, local: true, fleet })));
      samples.up.push(
        await timed(async () => {
          for (const s of stacks) await s.up({ color: 'never' });
        }),
      );
      samples.preview.push(
        await timed(async () => {
          for (const s of stacks) await s.preview({ color: 'never', expectNoChanges: true });
        }),
      );
      if (mode === 'full') for (const s of stacks) await s.destroy({ color: 'never' });
      else for (const s of stacks) await s.workspace.removeStack(s.name, { force: true });

      const out = path.join(tmp, `k${run}`);
      const synth = synthesizeFleet(fleetFor(`k${run}`));
      writeSynthesis(synth, out);
      samples.kubectl.push(
        await timed(async () => {
          for (const c of synth.clusters) {
            const dir = path.join(out, c.region, c.name);
            for (const file of fs.readdirSync(dir).sort())
              kubectl(['--kubeconfig', kubeconfigs[c.name], 'apply', '--server-side', '-f', path.join(dir, file)], 20);
            if (mode === 'full')
              kubectl([
                '--kubeconfig',
                kubeconfigs[c.name],
                'wait',
                '--for=condition=Available',
                'deployments',
                '--all',
                '-A',
                '-l',
                `fleetwright.io/fleet=${synth.fleet}`,
                '--timeout=300s',
              ]);
          }
        }),
      );
      if (mode === 'full') {
        for (const c of synth.clusters) {
          const dir = path.join(out, c.region, c.name);
          for (const file of fs.readdirSync(dir).sort().reverse())
            kubectl(['--kubeconfig', kubeconfigs[c.name], 'delete', '--wait', '--ignore-not-found', '-f', path.join(dir, file)]);
        }
      }
      process.stderr.write(
        `run ${run + 1}: up ${samples.up[run].toFixed(1)}s, preview ${samples.preview[run].toFixed(1)}s, kubectl ${samples.kubectl[run].toFixed(1)}s\n`,
      );
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const clusters = Object.keys(kubeconfigs).length;
  const k = median(samples.kubectl);
  const rows = [
    `| ${clusters} clusters (${mode}) | first \`up\` | ${median(samples.up).toFixed(1)} | ${k.toFixed(1)} | ${(median(samples.up) / k).toFixed(2)} |`,
    `| ${clusters} clusters (${mode}) | no-change \`preview\` | ${median(samples.preview).toFixed(1)} | ${k.toFixed(1)} | ${(median(samples.preview) / k).toFixed(2)} |`,
  ];
  process.stdout.write(`${rows.join('\n')}\n\n${runs} runs; samples ${JSON.stringify(samples)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
