import { InvalidArgumentError } from 'commander';
import { CommandContext, positive } from '../context';
import { runStatusCommand } from '../deploy';
import { runDashboardCommand, runLiveStatusCommand } from '../status';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError(`--port takes a port number from 0 to 65535, not '${value}'.`);
  return n;
}

interface ReadFlags {
  region?: string;
  local?: boolean;
  timeout: number;
  concurrency: number;
}

/** Registers `status` (stack outputs, or `--live` from the clusters) and `dashboard`. */
export function registerStatusCommands({ program, io, result, deployOptions }: CommandContext): void {
  program
    .command('status')
    .description(
      "the bundle × cluster table of Fleet states: with --live read from the clusters now (exit 0: all Ready, 2: not, 1: error), else from the region stacks' outputs (as `up` last observed them)",
    )
    .option('--region <region>', 'only this region')
    .option('--local', 'use the local fleet (kubeconfigs from `dev up`, stacks local-<region>)')
    .option('--live', 'read every cluster now instead of the stack outputs')
    .option('--json', 'print JSON (with --live: the FleetLiveStatus document, docs/status.md)')
    .option('--html <file>', 'with --live: also write the status page to this file')
    .option('--watch', 'with --live: read again every --interval seconds until Ctrl-C')
    .option('--interval <seconds>', 'with --watch: seconds between reads', positive('--interval'), 10)
    .option('--timeout <seconds>', 'with --live: seconds a cluster may take before it is reported unreachable', positive('--timeout'), 10)
    .option('--concurrency <n>', 'with --live: clusters read at once', positive('--concurrency'), 16)
    .action(async (opts: ReadFlags & { live?: boolean; json?: boolean; html?: string; watch?: boolean; interval: number }) => {
      if (!opts.live) {
        const needLive = ['html', 'watch'].filter((f) => opts[f as 'html' | 'watch'] !== undefined);
        if (needLive.length > 0) {
          io.err(
            `error: ${needLive.map((f) => `--${f}`).join(' and ')} need${needLive.length === 1 ? 's' : ''} --live (the stack outputs do not change until the next \`up\`)\n`,
          );
          result.exitCode = 1;
          return;
        }
        result.exitCode = await runStatusCommand({ ...deployOptions(opts), json: !!opts.json }, io);
        return;
      }
      result.exitCode = await runLiveStatusCommand(
        {
          ...deployOptions(opts),
          timeoutSeconds: opts.timeout,
          concurrency: Math.floor(opts.concurrency),
          json: !!opts.json,
          html: opts.html,
          watch: !!opts.watch,
          intervalSeconds: opts.interval,
        },
        io,
      );
    });
  program
    .command('dashboard')
    .description('serve the live status page on 127.0.0.1, read from the clusters every --interval seconds, until Ctrl-C')
    .option('--port <port>', 'port on 127.0.0.1 (0: any free port)', port, 8080)
    .option('--region <region>', 'only this region')
    .option('--local', 'use the local fleet (kubeconfigs from `dev up`)')
    .option('--interval <seconds>', 'seconds between reads', positive('--interval'), 15)
    .option('--timeout <seconds>', 'seconds a cluster may take before it is reported unreachable', positive('--timeout'), 10)
    .option('--concurrency <n>', 'clusters read at once', positive('--concurrency'), 16)
    .action(async (opts: ReadFlags & { port: number; interval: number }) => {
      result.exitCode = await runDashboardCommand(
        {
          ...deployOptions(opts),
          timeoutSeconds: opts.timeout,
          concurrency: Math.floor(opts.concurrency),
          port: opts.port,
          intervalSeconds: opts.interval,
        },
        io,
      );
    });
}
