import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Where `fleetwright toolchain setup` (toolchain/setup.sh) caches what it builds. */
export function toolchainCache(): string {
  return process.env.FLEETWRIGHT_CACHE ?? path.join(os.homedir(), '.cache', 'fleetwright');
}

/**
 * The environment toolchain/env.sh sets: the toolchain's bin folder first on PATH, its Pulumi
 * plugin cache, and Pulumi kept offline and on the exact provider versions.
 *
 * @param env the environment to extend
 * @default env - this process's
 */
export function toolchainEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const cache = toolchainCache();
  const bin = path.join(cache, 'bin');
  const current = env.PATH ?? '';
  return {
    PATH: current.split(path.delimiter).includes(bin) ? current : `${bin}${current ? `${path.delimiter}${current}` : ''}`,
    PULUMI_HOME: env.PULUMI_HOME ?? path.join(cache, 'pulumi-home'),
    PULUMI_SKIP_UPDATE_CHECK: 'true',
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
    PULUMI_DISABLE_REGISTRY_RESOLVE: 'true',
    PULUMI_IGNORE_AMBIENT_PLUGINS: 'true',
  };
}

/**
 * Makes the built toolchain available to this process and the tools it starts, as
 * `source toolchain/env.sh` would, when it has been built. Does nothing otherwise (the commands
 * that need a tool then say how to build it).
 *
 * @returns whether the toolchain was found
 */
export function adoptToolchain(): boolean {
  if (!fs.existsSync(path.join(toolchainCache(), 'bin', 'pulumi'))) return false;
  Object.assign(process.env, toolchainEnv());
  return true;
}
