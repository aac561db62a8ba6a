import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { spawnSync } from '../../exec/run';
import { UsageError } from '../../project/errors';
import type { CliIo } from '../io';

/** The toolchain scripts shipped in the package (`toolchain/setup.sh`). */
export function toolchainScript(): string {
  return path.resolve(__dirname, '..', '..', '..', 'toolchain', 'setup.sh');
}

/**
 * Registers `fleetwright toolchain setup|list`: builds (or lists) the pinned Pulumi, Kubernetes,
 * Helm, Kustomize and local-fleet binaries from Go modules, with the scripts shipped in the
 * package, into the cache outside the project (`~/.cache/fleetwright`).
 */
export function registerToolchainCommand(program: Command, io: CliIo, result: { exitCode: number }): void {
  const toolchain = program
    .command('toolchain')
    .description('build the pinned binaries (pulumi, kubernetes, helm, kustomize, …) from Go modules into ~/.cache/fleetwright');
  const run = (args: string[]): void => {
    const script = toolchainScript();
    if (!fs.existsSync(script)) throw new UsageError(`the toolchain scripts are missing (${script}); reinstall fleetwright`);
    // A build takes long: its progress streams straight through (it prints no credentials).
    const stream = !args.includes('--list');
    const r = spawnSync('bash', [script, ...args], { stdio: stream ? 'inherit' : 'pipe' });
    if (r.error) throw new UsageError(`cannot run bash (${r.error.message}); install bash and run again`);
    if (!stream) {
      io.out(r.stdout);
      io.err(r.stderr);
    }
    result.exitCode = r.status ?? 1;
  };
  toolchain
    .command('setup')
    .description('build what is missing (about an hour cold on 2 cores; seconds when cached), then `source` the printed env file')
    .option('--only <tools>', 'build only these tools, comma-separated (e.g. helm,kustomize)')
    .action((opts: { only?: string }) => run(opts.only ? ['--only', opts.only] : []));
  toolchain
    .command('list')
    .description('print the tools, their versions and cache folders; build nothing')
    .action(() => run(['--list']));
}
