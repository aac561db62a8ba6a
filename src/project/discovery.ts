import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from './errors';

/** The key of a fleet project's `package.json` that names its fleet module. */
export const PROJECT_KEY = 'fleetwright';

/** A fleet project: a folder whose `package.json` names the module exporting the fleet. */
export interface FleetProject {
  /** The project folder (holds package.json, and Pulumi.yaml when it deploys). */
  readonly root: string;
  /** The fleet module, absolute. */
  readonly fleetModule: string;
  /** The package name. */
  readonly name: string;
}

interface ProjectPackageJson {
  readonly name?: unknown;
  readonly fleetwright?: { readonly fleet?: unknown };
}

/**
 * Finds the fleet project that holds `from`: the nearest folder at or above it whose
 * `package.json` has `"fleetwright": { "fleet": "<module>" }` (what `fleetwright init` writes).
 * Folders with a package.json without that key (a monorepo's root, a dependency) are passed over.
 *
 * @param from where to start
 * @default from - the working directory
 * @returns the project, or `undefined` outside one
 * @throws UsageError when the package.json cannot be read or names a module that does not exist
 */
export function findProject(from: string = process.cwd()): FleetProject | undefined {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      let pkg: ProjectPackageJson;
      try {
        pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as ProjectPackageJson;
      } catch (e) {
        throw new UsageError(`${file} is not valid JSON (${(e as Error).message}); fix it or run fleetwright outside this folder`);
      }
      const fleet = pkg[PROJECT_KEY]?.fleet;
      if (fleet !== undefined) {
        if (typeof fleet !== 'string' || fleet === '') {
          throw new UsageError(
            `${file}: "fleetwright.fleet" must be the path of the fleet module, e.g. "fleetwright": { "fleet": "fleet.ts" }`,
          );
        }
        const fleetModule = path.resolve(dir, fleet);
        if (!fs.existsSync(fleetModule)) {
          throw new UsageError(
            `${file} names the fleet module "${fleet}", which does not exist; create it or fix "fleetwright.fleet" in package.json`,
          );
        }
        return { root: dir, fleetModule, name: typeof pkg.name === 'string' ? pkg.name : path.basename(dir) };
      }
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The message for a command that needs a fleet outside any fleet project. */
export function noProjectMessage(cwd: string = process.cwd()): string {
  return (
    `no fleet project here: neither ${cwd} nor a folder above it has a package.json naming a fleet module ` +
    `("fleetwright": { "fleet": "fleet.ts" }); create a project with \`npx fleetwright init <dir>\` and run commands inside it, ` +
    `or pass the module with --fleet <file>`
  );
}

/**
 * The fleet project's module, or a usage error pointing to `fleetwright init`. Never a sample.
 *
 * @throws UsageError outside a fleet project
 */
export function requireProject(from: string = process.cwd()): FleetProject {
  const project = findProject(from);
  if (!project) throw new UsageError(noProjectMessage(path.resolve(from)));
  return project;
}
