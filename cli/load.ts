import * as fs from 'node:fs';
import * as path from 'node:path';
import { Fleet } from '../constructs';

/** Thrown for bad command-line input; the CLI prints the message and exits 1. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Loads a fleet definition: the project's own sample fleet, or a module that exports a `Fleet`, or a
 * function returning one, as `default`, `defineFleet` or `fleet`. TypeScript modules are loaded
 * through tsx.
 *
 * @param modulePath path of the module, relative to the working directory
 * @default modulePath - the project's own fleet (`fleet/index.ts`)
 */
export function loadFleet(modulePath?: string): Fleet {
  if (modulePath === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('../fleet') as typeof import('../fleet')).defineFleet();
  }
  const file = path.resolve(modulePath);
  if (!fs.existsSync(file)) {
    throw new UsageError(
      `--fleet ${modulePath}: no such file; pass the path of a module exporting a Fleet (e.g. --fleet ./fleet/index.ts)`,
    );
  }
  if (/\.[cm]?tsx?$/.test(file)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require('tsx/cjs/api') as { register: () => unknown }).register();
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file) as Record<string, unknown>;
  for (const key of ['default', 'defineFleet', 'fleet']) {
    let candidate = mod[key];
    if (typeof candidate === 'function') candidate = (candidate as () => unknown)();
    if (Fleet.isFleet(candidate)) return candidate;
  }
  throw new UsageError(
    `--fleet ${modulePath}: the module exports no Fleet; export a Fleet or a function returning one as 'default', 'defineFleet' or 'fleet'`,
  );
}
