import * as fs from 'node:fs';
import * as path from 'node:path';
import { FleetError, FleetValidationError } from '../model/errors';
import { Fleet } from '../model/fleet';
import { assertValidFleetProps } from '../model/validate';
import { requireProject } from './discovery';
import { UsageError, UserCodeError } from './errors';
import { isTypeScriptModule, TypecheckError, typecheckFleetModule } from './typecheck';

export { UsageError } from './errors';

/** How {@link loadFleet} loads a module. */
export interface LoadOptions {
  /**
   * Type-check a TypeScript module (`.ts`, `.mts`, `.cts`, `.tsx`) and its imports before loading it
   * (tsx only strips types); a module with type errors is refused with every error.
   *
   * @default true (the CLI's `--no-typecheck` turns it off)
   */
  readonly typecheck?: boolean;
}

let defaults: LoadOptions = {};

/**
 * Sets the options of every later {@link loadFleet} call that does not pass its own (the CLI sets
 * them from its global options before running a command).
 *
 * @param options the options
 */
export function configureLoad(options: LoadOptions): void {
  defaults = { ...options };
}

/**
 * Loads a fleet definition: the fleet project's module (see `findProject`), or a module that exports a `Fleet`, or a
 * function returning one, as `default`, `defineFleet` or `fleet`. TypeScript modules are type-checked
 * (see {@link LoadOptions.typecheck}) and loaded through tsx. The props of every construct of the
 * fleet are checked against their runtime schemas before the fleet is returned.
 *
 * @param modulePath path of the module, relative to the working directory
 * @param options how to load it
 * @default modulePath - the module named by the fleet project around the working directory
 * @throws TypecheckError when a TypeScript module has type errors
 * @throws FleetValidationError when constructs were given invalid props
 */
export function loadFleet(modulePath?: string, options: LoadOptions = defaults): Fleet {
  if (modulePath === undefined) modulePath = path.relative(process.cwd(), requireProject().fleetModule) || '.';
  const file = path.resolve(modulePath);
  if (!fs.existsSync(file)) {
    throw new UsageError(`--fleet ${modulePath}: no such file; pass the path of a module exporting a Fleet (e.g. --fleet ./fleet.ts)`);
  }
  if (isTypeScriptModule(file) && (options.typecheck ?? true)) {
    const { diagnostics } = typecheckFleetModule(file);
    if (diagnostics.length > 0) throw new TypecheckError(modulePath, diagnostics);
  }
  if (fs.statSync(file).isDirectory()) {
    throw new UsageError(
      `--fleet ${modulePath}: this is a folder; pass the path of the module file exporting a Fleet (e.g. --fleet ${path.join(modulePath, 'index.ts')})`,
    );
  }
  // tsx loads the TypeScript module, and only it: every module loaded through tsx takes several
  // times longer (it resolves and may transform each), so the hook goes once the fleet is built.
  const unregister = /\.[cm]?tsx?$/.test(file)
    ? // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require('tsx/cjs/api') as { register: () => () => void }).register()
    : undefined;
  try {
    return fleetOf(file, modulePath);
  } finally {
    unregister?.();
  }
}

function fleetOf(file: string, modulePath: string): Fleet {
  // The user's code runs here: what it throws is reported as theirs, with their frame.
  const userCode = <T>(run: () => T): T => {
    try {
      return run();
    } catch (e) {
      if (e instanceof FleetError || e instanceof FleetValidationError || e instanceof UsageError) throw e;
      throw new UserCodeError(file, e);
    }
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = userCode(() => require(file) as Record<string, unknown>);
  for (const key of ['default', 'defineFleet', 'fleet']) {
    let candidate = mod[key];
    if (typeof candidate === 'function') candidate = userCode(() => (candidate as () => unknown)());
    if (Fleet.isFleet(candidate)) {
      assertValidFleetProps(candidate);
      return candidate;
    }
  }
  throw new UsageError(
    `--fleet ${modulePath}: the module exports no Fleet; export a Fleet or a function returning one as 'default', 'defineFleet' or 'fleet'`,
  );
}
