import { loadFleet } from '../../project/load';
import { writeSynthesis } from '../../synth/output';
import { synthesizeFleet } from '../../synth/synth';
import { CommandContext, printWarnings } from '../context';

/** Registers `synth`. */
export function registerSynthCommands({ program, io, fleetOption }: CommandContext): void {
  program
    .command('synth')
    .description("write every cluster's manifests to DIR/<region>/<cluster>/<bundle>.yaml and DIR/index.json")
    .option('--region <region>', 'only the clusters of this region')
    .option('--out <dir>', 'output folder: created, or replaced when an earlier synth wrote it (never a folder of other files)', 'dist')
    .action((opts: { region?: string; out: string }) => {
      const synth = synthesizeFleet(loadFleet(fleetOption()), { region: opts.region });
      printWarnings(io, synth.warnings);
      const { files, leftovers } = writeSynthesis(synth, opts.out);
      for (const l of leftovers) io.err(`note: removed ${l}, left by an interrupted synth\n`);
      const objects = synth.clusters.reduce((n, c) => n + c.namespaces.length + c.bundles.reduce((m, b) => m + b.objects.length, 0), 0);
      io.out(`synthesized ${synth.clusters.length} clusters, ${objects} objects, ${files} files into ${opts.out}\n`);
    });
}
