import { CommandContext, count, parseFormat, wantsColor } from '../context';
import { UsageError } from '../../project/errors';
import { runDeployCommand, runPreviewCommand } from '../deploy';

const PARALLEL_HELP =
  'stacks (regions, shards of large regions) run at once (default: as many as fit in a third of the memory, ' +
  'counting one Kubernetes provider per cluster, at most 8)';

const SHARD_HELP =
  'with --region: only this shard stack of a sharded region (<region>.<n>), e.g. one job of a CI matrix; ' +
  'it never moves clusters between shards (a run without --shard does)';

function requireRegionForShard(opts: { region?: string; shard?: number }): void {
  if (opts.shard !== undefined && opts.region === undefined) {
    throw new UsageError(`--shard ${opts.shard} needs --region: a shard is one stack of one region (\`npx fleetwright plan\` lists them).`);
  }
}

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
      .option('--parallel <n>', PARALLEL_HELP, count('--parallel'))
      .option('--shard <n>', SHARD_HELP, count('--shard'))
      .option(
        '--move-only',
        'up: only move clusters whose shard changed to the stack that deploys them now (state only; nothing is deployed), ' +
          'e.g. before a CI matrix over shards',
      )
      .action(
        async (opts: { region?: string; local?: boolean; refresh?: boolean; parallel?: number; shard?: number; moveOnly?: boolean }) => {
          if (opts.moveOnly && (name !== 'up' || opts.shard !== undefined))
            throw new UsageError('--move-only goes with `up` alone, without --shard.');
          requireRegionForShard(opts);
          result.exitCode = await runDeployCommand(
            name,
            { ...deployOptions(opts), refresh: !!opts.refresh, parallel: opts.parallel, shard: opts.shard, moveOnly: !!opts.moveOnly },
            io,
          );
        },
      );
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
    .option('--parallel <n>', PARALLEL_HELP, count('--parallel'))
    .option('--shard <n>', SHARD_HELP, count('--shard'))
    .action(
      async (opts: {
        region?: string;
        local?: boolean;
        refresh?: boolean;
        format: string;
        verbose?: boolean;
        parallel?: number;
        shard?: number;
      }) => {
        requireRegionForShard(opts);
        const format = parseFormat(opts.format);
        result.exitCode = await runPreviewCommand(
          {
            ...deployOptions(opts),
            refresh: !!opts.refresh,
            format,
            color: format === 'text' && wantsColor(),
            verbose: !!opts.verbose,
            parallel: opts.parallel,
            shard: opts.shard,
          },
          io,
        );
      },
    );
}
