import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The rule every fleetwright command that replaces or deletes a folder follows: it only ever
 * removes what it created. A folder fleetwright writes carries a marker file listing the files it
 * wrote; the folder may be replaced only while it holds exactly those files (or is empty, or does
 * not exist yet), and never when it is the working directory or one of its parents, a git work
 * tree, the home folder or the file system root.
 */

/** Name of the marker file fleetwright writes into every folder it owns. */
export const OWNER_MARKER = '.fleetwright-owned.json';

/** The content of {@link OWNER_MARKER}. */
export interface OwnerMarker {
  /** Always `fleetwright`. */
  readonly generator: 'fleetwright';
  /** What wrote the folder, e.g. `synth`. */
  readonly purpose: string;
  /** Every file written, relative to the folder, `/`-separated, sorted. */
  readonly files: readonly string[];
}

/** Thrown when a command would write over or delete something fleetwright did not create. */
export class UnsafePathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafePathError';
  }
}

/** Every file below `dir`, relative, `/`-separated, sorted (folders are not listed). */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else out.push(child);
    }
  };
  walk('');
  return out.sort();
}

/** Reads a folder's marker, or undefined when it has none or it is not fleetwright's. */
export function readOwnerMarker(dir: string): OwnerMarker | undefined {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, OWNER_MARKER), 'utf8')) as Partial<OwnerMarker>;
    if (m.generator === 'fleetwright' && typeof m.purpose === 'string' && Array.isArray(m.files)) return m as OwnerMarker;
  } catch {
    // no marker, or not ours
  }
  return undefined;
}

const isInside = (child: string, parent: string): boolean => {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/**
 * Why `dir` is a place no command may replace or delete, whatever it holds; undefined when it is
 * not one of them.
 */
export function protectedReason(dir: string, cwd = process.cwd()): string | undefined {
  const target = path.resolve(dir);
  if (path.dirname(target) === target) return 'it is the root of the file system';
  if (target === path.resolve(os.homedir())) return 'it is your home folder';
  if (isInside(path.resolve(cwd), target))
    return target === path.resolve(cwd) ? 'it is the working directory' : 'it contains the working directory';
  if (fs.existsSync(path.join(target, '.git'))) return 'it is the root of a git work tree';
  return undefined;
}

/**
 * Checks that `dir` may be replaced by a command that writes `purpose` output: it does not exist,
 * is empty, or holds exactly the files fleetwright wrote there for the same purpose.
 *
 * @param flag the option that named the folder, for the message (e.g. `--out`)
 * @param ownedWithoutMarker recognizes a folder an older fleetwright wrote before markers existed
 * @throws UnsafePathError saying why not and how to proceed
 */
export function assertReplaceable(
  dir: string,
  purpose: string,
  flag: string,
  ownedWithoutMarker: (dir: string, files: readonly string[]) => boolean = () => false,
): void {
  const target = path.resolve(dir);
  const shown = dir === target ? dir : `${dir} (${target})`;
  const why = protectedReason(target);
  if (why)
    throw new UnsafePathError(
      `${flag} ${shown}: refusing to replace this folder because ${why}; pass a dedicated folder such as ${flag} dist`,
    );
  for (let dir = path.dirname(target); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory())
      throw new UnsafePathError(
        `${flag} ${shown}: ${dir} is a file, so the folder cannot be created inside it; pass a folder path such as ${flag} dist`,
      );
  }
  if (!fs.existsSync(target)) return;
  if (!fs.lstatSync(target).isDirectory())
    throw new UnsafePathError(`${flag} ${shown}: this is a file, not a folder; pass a folder path (fleetwright creates it)`);
  const files = listFiles(target);
  if (files.length === 0) return;
  const marker = readOwnerMarker(target);
  if (!marker && ownedWithoutMarker(target, files)) return;
  if (!marker || marker.purpose !== purpose) {
    throw new UnsafePathError(
      `${flag} ${shown}: the folder holds ${files.length} file(s) fleetwright did not write (e.g. ${files[0]}); ` +
        `fleetwright only replaces a folder it created. Pass a new or empty folder, or move those files away`,
    );
  }
  const known = new Set([...marker.files, OWNER_MARKER]);
  const foreign = files.filter((f) => !known.has(f));
  if (foreign.length > 0) {
    throw new UnsafePathError(
      `${flag} ${shown}: the folder holds ${foreign.length} file(s) fleetwright did not write: ${foreign.slice(0, 5).join(', ')}` +
        `${foreign.length > 5 ? ', …' : ''}; move them out of the folder (they would be deleted), then run again`,
    );
  }
}

const STAGING = /^\.(.+)\.fleetwright-(tmp|old)-(\d+)$/;

const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Removes what an interrupted run left next to `target` (its staging and old copies, recognized by
 * name, a dead process id and fleetwright's marker).
 *
 * @returns the leftovers removed, for a notice
 */
export function cleanLeftovers(target: string): string[] {
  const parent = path.dirname(target);
  if (!fs.existsSync(parent)) return [];
  const removed: string[] = [];
  for (const entry of fs.readdirSync(parent)) {
    const m = STAGING.exec(entry);
    if (!m || m[1] !== path.basename(target) || processAlive(Number(m[3]))) continue;
    const dir = path.join(parent, entry);
    if (!readOwnerMarker(dir) && listFiles(dir).length > 0) continue;
    fs.rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

/**
 * Replaces `dir` with `files` atomically: they are written to a staging folder next to it, which
 * then takes its place, so a failure (a full disk) leaves the old folder as it was. The folder gets
 * the marker that lets a later run replace it. Call {@link assertReplaceable} first.
 *
 * @returns leftovers of an interrupted earlier run that were removed
 */
export function replaceOwnedDir(dir: string, purpose: string, files: ReadonlyMap<string, string>): string[] {
  const target = path.resolve(dir);
  const removed = cleanLeftovers(target);
  const name = path.basename(target);
  const staging = path.join(path.dirname(target), `.${name}.fleetwright-tmp-${process.pid}`);
  const old = path.join(path.dirname(target), `.${name}.fleetwright-old-${process.pid}`);
  const marker: OwnerMarker = { generator: 'fleetwright', purpose, files: [...files.keys()].sort() };
  try {
    fs.mkdirSync(staging, { recursive: true });
    // The marker first: a staging folder left by a crash is then recognizably ours.
    fs.writeFileSync(path.join(staging, OWNER_MARKER), `${JSON.stringify(marker, null, 2)}\n`);
    for (const [rel, content] of files) {
      const file = path.join(staging, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
    if (fs.existsSync(target)) fs.renameSync(target, old);
    fs.renameSync(staging, target);
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    if (!fs.existsSync(target) && fs.existsSync(old)) fs.renameSync(old, target);
    throw e;
  }
  fs.rmSync(old, { recursive: true, force: true });
  return removed;
}
