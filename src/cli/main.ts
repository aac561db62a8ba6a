import { Command, CommanderError } from 'commander';
import { FleetError, FleetValidationError } from '../model/errors';
import { Fleet } from '../model/fleet';
import { redactText } from '../model/redaction';
import { configureLoad, loadFleet, UsageError } from '../project/load';
import { adoptToolchain } from '../project/toolchain';
import { registerCompareCommands } from './commands/compare';
import { registerDeployCommands } from './commands/deploy';
import { registerDevCommands } from './commands/dev';
import { registerDiffCommands } from './commands/diff';
import { registerExplainCommands } from './commands/explain';
import { registerFleetBundlesCommands } from './commands/fleet-bundles';
import { registerPlanCommands } from './commands/plan';
import { registerStatusCommands } from './commands/status';
import { registerSynthCommands } from './commands/synth';
import { registerTargetsCommands } from './commands/targets';
import { CommandContext, printWarnings } from './context';
import { DeployCommandOptions } from './deploy';
import { registerEnvCommand } from './commands/env';
import { registerInitCommand } from './commands/init';
import { CliIo, processIo, redactingIo } from './io';
import { registerToolchainCommand } from './commands/toolchain';
export type { CliIo } from './io';

/** Commander's own errors (unknown command, missing argument) end with where to read the usage. */
const withUsageHint = (text: string): string =>
  /^error: /.test(text) ? `${text.trimEnd().replace(/\.$/, '')}; run \`fleetwright <command> --help\` for its usage\n` : text;

/** Builds the `fleetwright` command tree; async commands put their exit code into `result`. */
export function buildProgram(io: CliIo, result: { exitCode: number } = { exitCode: 0 }): Command {
  const program = new Command('fleetwright')
    .description('Run a fleet of Kubernetes clusters as code')
    .option('--fleet <module>', "module exporting the fleet (default: the one the fleet project's package.json names)")
    .option('--no-typecheck', 'load a TypeScript --fleet module without type-checking it first')
    .hook('preAction', (root) => configureLoad({ typecheck: root.opts<{ typecheck: boolean }>().typecheck }))
    .option('--debug', 'print the stack of an internal error')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err, outputError: (text, write) => write(withUsageHint(text)) });

  const fleetOption = (): string | undefined => program.opts<{ fleet?: string }>().fleet;
  /** Loads the fleet and checks that `--region`, when given, has clusters. */
  const loadFleetForRegion = (region: string | undefined): Fleet => {
    const fleet = loadFleet(fleetOption());
    if (region !== undefined && !fleet.regions.includes(region)) {
      throw new UsageError(`--region ${region}: no cluster is in this region; use one of ${fleet.regions.join(', ')}`);
    }
    return fleet;
  };

  const deployOptions = (opts: { region?: string; local?: boolean }): DeployCommandOptions => {
    const fleet = loadFleetForRegion(opts.region);
    return {
      regions: opts.region ? [opts.region] : fleet.regions,
      local: !!opts.local,
      fleet: () => loadFleet(fleetOption()),
      explicitFleet: fleetOption() !== undefined,
    };
  };
  const ctx: CommandContext = { program, io, result, fleetOption, loadFleetForRegion, deployOptions };
  registerSynthCommands(ctx);
  registerTargetsCommands(ctx);
  registerExplainCommands(ctx);
  registerPlanCommands(ctx);
  registerDeployCommands(ctx);
  registerStatusCommands(ctx);
  registerDiffCommands(ctx);
  registerFleetBundlesCommands(ctx);
  registerCompareCommands(ctx);

  registerEnvCommand(program, io);
  registerToolchainCommand(program, io, result);
  registerInitCommand(program, io);

  registerDevCommands(ctx);

  return program;
}

/**
 * Runs the CLI.
 *
 * @param argv the full `process.argv`
 * @returns the exit code
 */
export async function main(argv: readonly string[], rawIo: CliIo = processIo): Promise<number> {
  const io = redactingIo(rawIo);
  // The built toolchain (pulumi, kube-apiserver, helm, …) is used without `source toolchain/env.sh`.
  adoptToolchain();
  const result = { exitCode: 0 };
  const program = buildProgram(io, result);
  try {
    await program.parseAsync(argv as string[]);
    return result.exitCode;
  } catch (e) {
    return reportError(e, io, argv.includes('--debug'));
  }
}

/** Errors whose message is written for the user: printed alone, without a stack. */
const USER_ERRORS = new Set(['UsageError', 'UserCodeError', 'UnsafePathError', 'ToolError', 'DiffSourceError', 'SourceError']);

/**
 * Prints an error the way a person should read it and returns the exit code: validation problems
 * all at once, user errors as one message, and anything else as a fleetwright bug (its stack only
 * with `--debug`).
 */
export function reportError(e: unknown, io: CliIo, debug: boolean): number {
  if (e instanceof CommanderError) return e.exitCode;
  if (e instanceof FleetValidationError) {
    const errors = e.problems.filter((p) => p.severity === 'error').length;
    printWarnings(io, e.problems);
    io.err(`${errors} error${errors === 1 ? '' : 's'}; nothing was written\n`);
    return 1;
  }
  if (e instanceof FleetError || (e instanceof Error && USER_ERRORS.has(e.name))) {
    io.err(`error: ${redactText(e.message)}\n`);
    if (debug && e.stack) io.err(`${redactText(e.stack)}\n`);
    return 1;
  }
  const message = e instanceof Error ? e.message : String(e);
  io.err(
    `internal error: ${redactText(message)}\nThis is a bug in fleetwright, not in your fleet. ` +
      `Please report it with the output of the same command run with --debug.\n`,
  );
  if (debug && e instanceof Error && e.stack) io.err(`${redactText(e.stack)}\n`);
  return 1;
}
