import Table from 'cli-table3';
import { maskSecretValues } from '../../model/redaction';
import { loadFleet } from '../../project/load';
import { explain } from '../../synth/explain';
import { synthesizeFleet } from '../../synth/synth';
import { CommandContext } from '../context';

/** Registers `explain`. */
export function registerExplainCommands({ program, io, fleetOption }: CommandContext): void {
  program
    .command('explain')
    .description('show each effective value of a bundle on a cluster and the layer it came from')
    .argument('<cluster>', 'cluster name')
    .argument('<bundle>', 'bundle name')
    .option('--json', 'print JSON')
    .action((cluster: string, bundle: string, opts: { json?: boolean }) => {
      const fleet = loadFleet(fleetOption());
      const raw = explain(fleet, cluster, bundle);
      // Synthesizing the cluster's bundles shows which values end up in Secrets: those are masked.
      try {
        synthesizeFleet(fleet, { region: fleet.clusters.find((c) => c.clusterName === cluster)?.region });
      } catch {
        // explain stays useful for a fleet that does not synthesize yet
      }
      const e = {
        ...raw,
        values: {
          ...raw.values,
          values: maskSecretValues(raw.values.values),
          explained: raw.values.explained.map((v) => ({ ...v, value: maskSecretValues(v.value) })),
        },
      };
      if (opts.json) {
        io.out(`${JSON.stringify(e, null, 2)}\n`);
        return;
      }
      io.out(`bundle '${bundle}' on cluster '${cluster}': ${e.placement.deployed ? 'deployed' : 'not deployed'} (${e.placement.reason})\n`);
      io.out(`groups: ${e.groups.join(', ') || '(none)'}\n`);
      io.out(`defaultNamespace: ${e.defaultNamespace.value}  [${e.defaultNamespace.origin.layer} ${e.defaultNamespace.origin.source}]\n`);
      if (e.namespace) io.out(`namespace: ${e.namespace.value}  [${e.namespace.origin.layer} ${e.namespace.origin.source}]\n`);
      if (!e.placement.deployed) return;
      // A description column when the bundle's valuesSchema describes any value.
      const described = e.values.explained.some((v) => v.description !== undefined);
      const table = new Table({
        head: ['value', 'effective', 'layer', 'from', ...(described ? ['description'] : [])],
        style: { head: [], border: [] },
      });
      for (const v of e.values.explained) {
        table.push([v.path, JSON.stringify(v.value), v.origin.layer, v.origin.source, ...(described ? [v.description ?? ''] : [])]);
      }
      io.out(`${table.toString()}\n`);
      io.out('precedence (lowest first): bundle < group < overlay < customization < cluster\n');
    });
}
