import { Command } from 'commander';
import { displayPath, initProject } from '../../project/init';
import { UsageError } from '../../project/errors';
import { CliIo } from '../io';

/**
 * Registers `fleetwright init <dir> [--name N] [--regions a,b] [--from spec]`: a new fleet project
 * from the template. Runs outside any fleet project: it loads no fleet.
 *
 * @param program the `fleetwright` program
 * @param io where to print
 */
export function registerInitCommand(program: Command, io: CliIo): void {
  program
    .command('init')
    .description('create a fleet project in a new or empty folder: fleet, bundle, tests, Pulumi stacks per region, CI workflow')
    .argument('<dir>', 'the project folder (new, or empty)')
    .option('--name <name>', "package name; its last part names the fleet and the Pulumi project (default: the folder's name)")
    .option('--regions <a,b>', 'regions, separated by commas: one stack and two clusters each (default: us-west,us-east)')
    .option(
      '--from <spec>',
      'the fleetwright dependency of package.json, verbatim (default: ^<this version>; e.g. file:/tmp/fleetwright-0.1.0.tgz)',
    )
    .action((dir: string, opts: { name?: string; regions?: string; from?: string }) => {
      const regions = opts.regions === undefined ? undefined : opts.regions.split(',').map((r) => r.trim());
      if (regions?.some((r) => r === '')) {
        throw new UsageError(
          `--regions ${opts.regions}: an empty region name; separate regions by single commas (e.g. --regions us-west,us-east)`,
        );
      }
      const result = initProject(dir, { name: opts.name, regions, from: opts.from });
      io.out(`created the fleet project ${displayPath(result.dir)} (${result.files.length} files)\n`);
      for (const f of result.files) io.out(`  ${f}\n`);
      io.out(`\nnext: ${result.nextSteps}\n`);
      io.out('then: npx fleetwright synth, or deploy to the local fleet: npx fleetwright dev up && npx fleetwright up --local\n');
    });
}
