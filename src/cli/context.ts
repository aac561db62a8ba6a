import { Command, InvalidArgumentError } from 'commander';
import { formatProblem, Problem } from '../model/errors';
import { Fleet } from '../model/fleet';
import { DIFF_FORMATS, DiffFormat } from '../diff/render';
import { UsageError } from '../project/errors';
import type { DeployCommandOptions } from './deploy';
import type { CliIo } from './io';

/** What every command registration gets: the program, where to write, and the shared options. */
export interface CommandContext {
  /** The `fleetwright` program. */
  readonly program: Command;
  /** Where the command writes (already redacting). */
  readonly io: CliIo;
  /** Async commands put their exit code here. */
  readonly result: { exitCode: number };
  /** The global `--fleet` option, if given. */
  fleetOption(): string | undefined;
  /** Loads the fleet and checks that `--region`, when given, has clusters. */
  loadFleetForRegion(region: string | undefined): Fleet;
  /** The options of `up`, `destroy`, `preview` and `status`. */
  deployOptions(opts: { region?: string; local?: boolean }): DeployCommandOptions;
}

/** Prints problems (warnings, or errors of a failed validation) one per line. */
export function printWarnings(io: CliIo, problems: readonly Problem[]): void {
  for (const p of problems) io.err(`${formatProblem(p)}\n`);
}

/** Checks a `--format` option. */
export function parseFormat(format: string): DiffFormat {
  if (!(DIFF_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format ${format}: use text, markdown or json`);
  return format as DiffFormat;
}

/** Whether to color text output: a terminal, and NO_COLOR unset. */
export const wantsColor = (): boolean => !!process.stdout.isTTY && !process.env.NO_COLOR;

/** Parses a positive number of seconds (or a count) given to `flag`. */
export function positive(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${flag} takes a number above 0, not '${value}'.`);
    return n;
  };
}

/** Parses a whole number of 1 or more given to `flag`. */
export function count(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} takes a whole number of 1 or more, not '${value}'.`);
    return n;
  };
}
