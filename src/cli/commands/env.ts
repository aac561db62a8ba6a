import { Command } from 'commander';
import { pulumiEnv } from '../../deploy/automation';
import { projectRoot } from '../../project/paths';
import { toolchainEnv } from '../../project/toolchain';
import type { CliIo } from '../io';

/** Quotes a value for a POSIX shell. */
const shellQuote = (v: string): string => `'${v.replace(/'/g, `'\\''`)}'`;

/**
 * The environment plain `pulumi` needs to drive this project's stacks as fleetwright does: the
 * toolchain on PATH, its plugin cache, the project's file backend and passphrase file (never the
 * passphrase itself), offline settings.
 *
 * @param root the project root
 */
export function shellEnvironment(root: string): Record<string, string> {
  return { ...toolchainEnv(), ...pulumiEnv(root) };
}

/**
 * Registers `fleetwright env`: prints `export` lines for a POSIX shell, so that
 * `eval "$(npx fleetwright env)"` makes `pulumi up -s <stack>` work in the project.
 */
export function registerEnvCommand(program: Command, io: CliIo): void {
  program
    .command('env')
    .description('print shell exports so that plain `pulumi` uses the toolchain and this project\'s state: eval "$(npx fleetwright env)"')
    .action(() => {
      const env = shellEnvironment(projectRoot());
      for (const [k, v] of Object.entries(env)) io.out(`export ${k}=${shellQuote(v)}\n`);
    });
}
