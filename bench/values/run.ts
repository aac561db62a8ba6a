/**
 * Merging large values: one layer of N flat keys with a second layer overriding half of them, as
 * `synth` and `explain` merge a bundle's layers. Prints a Markdown table of the median time per size.
 *
 * Command: `npm run build && node lib/bench/values/run.js --runs 5 [--sizes 10000,50000,200000]`.
 */
import { mergeValues, ValueLayer, Values } from '../../constructs';
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

function main(): void {
  const runs = Number(arg('runs', '5'));
  const sizes = arg('sizes', '10000,50000,200000').split(',').map(Number);
  console.log('| keys | median merge (s) | runs |');
  console.log('| ---: | ---: | ---: |');
  for (const n of sizes) {
    const { bundle, cluster } = layers(n);
    const times: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t = performance.now();
      const merged = mergeValues([
        { origin: { layer: ValueLayer.BUNDLE, source: 'bench' }, values: bundle },
        { origin: { layer: ValueLayer.CLUSTER, source: 'bench' }, values: cluster },
      ]);
      times.push((performance.now() - t) / 1000);
      if (merged.explained.length !== n) throw new Error(`expected ${n} explained values, got ${merged.explained.length}`);
    }
    console.log(`| ${n} | ${median(times).toFixed(3)} | ${runs} |`);
  }
}

main();
