import * as path from 'node:path';
import { diffDesired, hasChanges } from '../../diff/compare';
import { desiredFromSynthesis } from '../../diff/model';
import { renderDiff } from '../../diff/render';
import { LoadedSide, loadSide } from '../../diff/sources';
import { findProject, requireProject } from '../../project/discovery';
import { loadFleet } from '../../project/load';
import { synthesizeFleet } from '../../synth/synth';
import { CommandContext, parseFormat, wantsColor } from '../context';

/** Registers `diff`. */
export function registerDiffCommands({ program, io, result, fleetOption }: CommandContext): void {
  program
    .command('diff')
    .description('what changes on which cluster between two fleet definitions, without credentials (exit 0: none, 2: changes, 1: error)')
    .requiredOption('--base <ref|dir>', 'git ref or synth output folder to compare against')
    .option('--head <ref|dir>', 'git ref or synth output folder (default: the working tree)')
    .option('--format <format>', 'text, markdown or json', 'text')
    .action((opts: { base: string; head?: string; format: string }) => {
      const format = parseFormat(opts.format);
      // The fleet project's folder and module: from --fleet, else the project around the working directory.
      const explicit = fleetOption();
      const project = explicit ? undefined : requireProject();
      const root = project ? project.root : (findProject(path.dirname(path.resolve(explicit as string)))?.root ?? process.cwd());
      const fleetModule = path.relative(root, project ? project.fleetModule : path.resolve(explicit as string));
      const sides: LoadedSide[] = [];
      try {
        const base = loadSide(opts.base, root, fleetModule);
        sides.push(base);
        const head = opts.head ? loadSide(opts.head, root, fleetModule) : undefined;
        if (head) sides.push(head);
        for (const side of sides) if (side.note) io.err(`note: ${side.note}\n`);
        const headState = head?.state ?? desiredFromSynthesis(synthesizeFleet(loadFleet(fleetOption())));
        const d = diffDesired(base.state, headState, { base: opts.base, head: opts.head ?? 'working tree' });
        io.out(renderDiff(d, format, format === 'text' && wantsColor()));
        result.exitCode = hasChanges(d) ? 2 : 0;
      } finally {
        for (const side of sides) side.dispose();
      }
    });
}
