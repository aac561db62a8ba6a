import { CommandContext, parseFormat, wantsColor } from '../context';
import { runDeployCommand, runPreviewCommand } from '../deploy';

/** Registers `up`, `destroy` and `preview`. */
export function registerDeployCommands({ program, io, result, deployOptions }: CommandContext): void {
  for (const [name, description] of [
    ['up', 'deploy each region stack (or --region R) through the Automation API, in rollout order, and print the status table'],
    ['destroy', 'remove everything fleetwright deployed in each region stack (or --region R)'],
  ] as const) {
    program
      .command(name)
      .description(description)
      .option('--region <region>', 'only this region')
      .option('--local', 'use the local fleet (stacks local-<region>, kubeconfigs from `dev up`)')
      .option('--refresh', 'read the live objects first, so objects changed or deleted on the clusters are put back')
      .action(async (opts: { region?: string; local?: boolean; refresh?: boolean }) => {
        result.exitCode = await runDeployCommand(name, { ...deployOptions(opts), refresh: !!opts.refresh }, io);
      });
  }
  program
    .command('preview')
    .description(
      'what `up` would change on which cluster, from the real engine: one report for each region stack (or --region R) ' +
        '(exit 0: none, 2: changes, 1: error)',
    )
    .option('--region <region>', 'only this region')
    .option('--local', 'use the local fleet (stacks local-<region>, kubeconfigs from `dev up`)')
    .option('--refresh', 'read the live objects first, so changes made on the clusters show as drift')
    .option('--format <format>', 'text, markdown or json', 'text')
    .option('--verbose', "also stream the engine's output to stderr")
    .action(async (opts: { region?: string; local?: boolean; refresh?: boolean; format: string; verbose?: boolean }) => {
      const format = parseFormat(opts.format);
      result.exitCode = await runPreviewCommand(
        {
          ...deployOptions(opts),
          refresh: !!opts.refresh,
          format,
          color: format === 'text' && wantsColor(),
          verbose: !!opts.verbose,
        },
        io,
      );
    });
}
