import { generateFleet } from '../synth/generate';

/**
 * The generated fleet the light-mode deploy benchmark uses: BENCH_CLUSTERS clusters (default 20)
 * × 5 bundles. Also a `--fleet` module for `npx fleetwright dev up --light`.
 *
 * @param runId makes fleet and namespace names unique per run
 */
export function benchFleet(runId?: string): ReturnType<typeof generateFleet> {
  return generateFleet({ clusters: Number(process.env.BENCH_CLUSTERS ?? '20'), bundles: 5, runId });
}

/** As a `--fleet` module: BENCH_RUN names the run (fresh fleet name and namespaces). */
export default (): ReturnType<typeof generateFleet> => benchFleet(process.env.BENCH_RUN);
