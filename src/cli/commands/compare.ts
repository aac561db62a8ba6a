import { compareClusters, renderSkew, resolveClusters } from '../../diff/skew';
import { loadFleet } from '../../project/load';
import { CommandContext } from '../context';

/** Registers `compare`. */
export function registerCompareCommands({ program, io, fleetOption }: CommandContext): void {
  program
    .command('compare')
    .description('how the desired state differs between clusters that should be alike, with the layer each difference comes from')
    .argument('<a>', 'a cluster, cluster group or region')
    .argument('[b]', 'another cluster, group or region (default: compare the members of <a>)')
    .option('--json', 'print JSON')
    .action((a: string, b: string | undefined, opts: { json?: boolean }) => {
      const fleet = loadFleet(fleetOption());
      const report = compareClusters(fleet, [...resolveClusters(fleet, a), ...(b ? resolveClusters(fleet, b) : [])]);
      io.out(opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderSkew(report));
    });
}
