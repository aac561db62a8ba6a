import { generateFleet } from './generate';

/** The generated fleet the synth benchmark loads with `--fleet`: size from BENCH_CLUSTERS. */
export default function benchFleet(): ReturnType<typeof generateFleet> {
  return generateFleet({ clusters: Number(process.env.BENCH_CLUSTERS ?? '10'), bundles: Number(process.env.BENCH_BUNDLES ?? '20') });
}
