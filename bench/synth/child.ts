/** Runs the fleetwright CLI and reports its peak memory on stderr, for the benchmark. */
import { main } from '../../src/cli/main';

main(process.argv)
  .then((code) => {
    process.stderr.write(`maxRssKb=${process.resourceUsage().maxRSS}\n`);
    process.exitCode = code;
  })
  .catch((e: unknown) => {
    process.stderr.write(`${String(e)}\n`);
    process.exitCode = 1;
  });
