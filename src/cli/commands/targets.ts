import Table from 'cli-table3';
import { placementMatrix } from '../../model/placement';
import { loadFleet } from '../../project/load';
import { CommandContext } from '../context';

/** Registers `targets`. */
export function registerTargetsCommands({ program, io, fleetOption }: CommandContext): void {
  program
    .command('targets')
    .description('show the bundle × cluster matrix: the target or customization that matched, or why nothing did')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const fleet = loadFleet(fleetOption());
      const cells = placementMatrix(fleet);
      if (opts.json) {
        io.out(
          `${JSON.stringify(
            cells.map((c) => ({
              bundle: c.bundle,
              cluster: c.cluster,
              deployed: c.placement.deployed,
              target: c.placement.target ?? null,
              customizations: c.placement.customizationNames,
              reason: c.placement.reason,
            })),
            null,
            2,
          )}\n`,
        );
        return;
      }
      const clusters = fleet.clusters.map((c) => c.clusterName);
      const table = new Table({ head: ['bundle', ...clusters], style: { head: [], border: [] } });
      for (const bundle of fleet.bundles) {
        table.push([
          bundle.bundleName,
          ...clusters.map((cluster) => {
            const p = cells.find((c) => c.bundle === bundle.bundleName && c.cluster === cluster)?.placement;
            if (!p?.deployed) return '-';
            return p.customizationNames.length > 0 ? `${p.target} +${p.customizationNames.join('+')}` : (p.target ?? '');
          }),
        ]);
      }
      io.out(`${table.toString()}\n`);
      const missing = cells.filter((c) => !c.placement.deployed);
      if (missing.length > 0) {
        io.out('\nnot deployed:\n');
        for (const c of missing) io.out(`  ${c.bundle} on ${c.cluster}: ${c.placement.reason}\n`);
      }
    });
}
