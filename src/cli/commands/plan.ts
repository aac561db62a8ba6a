import { rolloutPlan } from '../../model/placement';
import { regionShards } from '../../model/shards';
import { shardStackName } from '../../project/paths';
import { CommandContext } from '../context';

/** Registers `plan`. */
export function registerPlanCommands({ program, io, loadFleetForRegion }: CommandContext): void {
  program
    .command('plan')
    .description('print the rollout plan: partitions in order and the clusters of each, without deploying')
    .option('--region <region>', 'only the clusters of this region (one stack)')
    .option('--json', 'print JSON')
    .action((opts: { region?: string; json?: boolean }) => {
      const fleet = loadFleetForRegion(opts.region);
      const plan = rolloutPlan(fleet, opts.region);
      const stacks = (opts.region ? [opts.region] : fleet.regions).flatMap((r) =>
        regionShards(fleet, r).map((s) => ({ stack: shardStackName(r, s.index, false), ...s })),
      );
      if (opts.json) {
        io.out(`${JSON.stringify({ ...plan, stacks }, null, 2)}\n`);
        return;
      }
      io.out(`rollout plan${opts.region ? ` for region ${opts.region}` : ''}: ${plan.partitions.length} partition(s)\n`);
      plan.partitions.forEach((p, i) => {
        io.out(`${i + 1}. ${p.name} (maxUnavailable ${p.maxUnavailable})\n`);
        p.waves.forEach((w, j) => io.out(`   wave ${j + 1}: ${w.join(', ')}\n`));
      });
      if (plan.notRolledOut.length > 0) io.out(`not rolled out (no partition matches): ${plan.notRolledOut.join(', ')}\n`);
      io.out(`stacks (at most ${fleet.shardSize} clusters each, the fleet's shardSize; local fleet: local-<stack>):\n`);
      for (const s of stacks) {
        const what = s.index === 0 ? `region ${s.region}` : `region ${s.region}, shard ${s.index} of ${s.of}`;
        io.out(`   ${s.stack}: ${what}, ${s.clusters.length} cluster${s.clusters.length === 1 ? '' : 's'}\n`);
      }
    });
}
