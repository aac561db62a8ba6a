/**
 * Merging large values: one layer of N flat keys with a second layer overriding half of them, as
 * `synth` and `explain` merge a bundle's layers. Prints a Markdown table of the median time per size,
 * against a baseline measured in the same run: a plain recursive merge of the same layers that keeps
 * no provenance and checks nothing (the least any merge must do).
 *
 * Command: `npm run build && node build/bench/values/run.js --runs 5 [--sizes 10000,50000,200000]`.
 */
import { mergeValues, ValueLayer, Values } from '../../src/model/values';
import { arg, median } from '../util';

function layers(n: number): { bundle: Values; cluster: Values } {
  const bundle: Record<string, number> = {};
  const cluster: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    bundle[`k${i}`] = i;
    if (i % 2) cluster[`k${i}`] = -i;
  }
  return { bundle, cluster };
}

/** The baseline: a plain deep merge, maps key by key, without origins, cycle or size checks. */
function plainMerge(a: Values, b: Values): Values {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      v && prev && typeof v === 'object' && typeof prev === 'object' && !Array.isArray(v) && !Array.isArray(prev)
        ? plainMerge(prev as Values, v as Values)
        : v;
  }
  return out as Values;
}

function main(): void {
  const runs = Number(arg('runs', '5'));
  const sizes = arg('sizes', '10000,50000,200000').split(',').map(Number);
  console.log('| keys | fleetwright merge, median (s) | plain deep merge, median (s) | ratio | runs |');
  console.log('| ---: | ---: | ---: | ---: | ---: |');
  for (const n of sizes) {
    const { bundle, cluster } = layers(n);
    const times: number[] = [];
    const baseline: number[] = [];
    for (let r = 0; r < runs; r++) {
      const b = performance.now();
      const plain = plainMerge(bundle, cluster);
      baseline.push((performance.now() - b) / 1000);
      if (Object.keys(plain).length !== n) throw new Error('baseline merge lost keys');
      const t = performance.now();
      const merged = mergeValues([
        { origin: { layer: ValueLayer.BUNDLE, source: 'bench' }, values: bundle },
        { origin: { layer: ValueLayer.CLUSTER, source: 'bench' }, values: cluster },
      ]);
      times.push((performance.now() - t) / 1000);
      if (merged.explained.length !== n) throw new Error(`expected ${n} explained values, got ${merged.explained.length}`);
    }
    const ours = median(times);
    const base = median(baseline);
    console.log(`| ${n} | ${ours.toFixed(3)} | ${base.toFixed(3)} | ${(ours / base).toFixed(1)} | ${runs} |`);
  }
}

main();
