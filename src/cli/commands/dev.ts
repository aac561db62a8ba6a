import { loadFleet } from '../../project/load';
import { CommandContext } from '../context';
import { runDevDown, runDevStatus, runDevUp } from '../dev';

/** Registers `dev up`, `dev status` and `dev down`. */
export function registerDevCommands({ program, io, result, fleetOption }: CommandContext): void {
  const dev = program.command('dev').description('a local fleet: one real Kubernetes cluster per fleet cluster on 127.0.0.1');
  dev
    .command('up')
    .description('start the local fleet (idempotent) and write one kubeconfig per cluster')
    .option('--light', 'API servers only, one shared etcd, no controllers (for 50+ clusters)')
    .option('--nodes <n>', 'kwok nodes per cluster', '2')
    .option('--parallel <n>', 'clusters started at once')
    .action(async (opts: { light?: boolean; nodes: string; parallel?: string }) => {
      result.exitCode = await runDevUp(
        loadFleet(fleetOption()),
        { light: !!opts.light, nodes: Number(opts.nodes), parallel: opts.parallel ? Number(opts.parallel) : undefined },
        io,
      );
    });
  dev
    .command('status')
    .description('list the local clusters, their endpoints and health')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      result.exitCode = await runDevStatus(!!opts.json, io);
    });
  dev
    .command('down')
    .description("stop every local cluster process, remove the local fleet and its stacks' state")
    .option('--quiet', 'print nothing')
    .action(async (opts: { quiet?: boolean }) => {
      result.exitCode = await runDevDown(opts.quiet ? { out: () => undefined, err: io.err } : io);
    });
}
