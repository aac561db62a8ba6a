import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from '../exec/run';
import { DiffSourceError } from './errors';
import { DesiredState, readSynthDir } from './model';

/** One side of a diff, readable until {@link LoadedSide.dispose} removes its temporary files. */
export interface LoadedSide {
  /** What this side wants on every cluster. */
  readonly state: DesiredState;
  /** A note for the reader, e.g. that the fleet module did not exist at that revision. */
  readonly note?: string;
  /** Removes the temporary export of a git ref; call once the diff is rendered. */
  dispose(): void;
}

/** This package's root folder (holds package.json and bin/). */
function packageRoot(): string {
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'bin', 'fleetwright.js')) && fs.existsSync(path.join(dir, 'package.json'))) return dir;
  }
  throw new DiffSourceError('cannot find the fleetwright package (bin/fleetwright.js); reinstall it with npm ci');
}

const EMPTY = (fleet: string): DesiredState => ({ fleet, regions: {}, clusters: {} });

/** The lockfile entry of fleetwright in a project's package-lock.json, if it pins one. */
interface PinnedFleetwright {
  readonly version?: string;
  readonly resolved?: string;
  readonly integrity?: string;
}

function pinnedFleetwright(projectDir: string): PinnedFleetwright | undefined {
  const lock = path.join(projectDir, 'package-lock.json');
  if (!fs.existsSync(lock)) return undefined;
  try {
    const json = JSON.parse(fs.readFileSync(lock, 'utf8')) as { packages?: Record<string, PinnedFleetwright> };
    const entry = json.packages?.['node_modules/fleetwright'];
    return entry ? { version: entry.version, resolved: entry.resolved, integrity: entry.integrity } : undefined;
  } catch {
    return undefined;
  }
}

const samePin = (a: PinnedFleetwright | undefined, b: PinnedFleetwright | undefined): boolean =>
  !!a && !!b && a.version === b.version && a.resolved === b.resolved && a.integrity === b.integrity;

function describePin(pin: PinnedFleetwright): string {
  return `fleetwright ${pin.version ?? '(no version)'}${pin.resolved ? ` (${pin.resolved})` : ''}`;
}

/** The node_modules folder Node resolves the project's packages from: its own, or the nearest parent's. */
function nearestNodeModules(projectDir: string): string | undefined {
  for (let dir = path.resolve(projectDir); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'node_modules'))) return path.join(dir, 'node_modules');
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The fleetwright CLI a project has installed, else this one. */
function installedBin(projectDir: string): string {
  const modules = nearestNodeModules(projectDir);
  const own = modules && path.join(modules, 'fleetwright', 'bin', 'fleetwright.js');
  return own && fs.existsSync(own) ? own : path.join(packageRoot(), 'bin', 'fleetwright.js');
}

/**
 * Reads one side of a diff: a `synth` output folder, or a git ref of the repository that holds the
 * fleet project, exported to a temporary folder and synthesized there. The base revision is
 * synthesized with the fleetwright its own lockfile pins: the installed one when the lockfile
 * entries agree (or the revision pins none), else that revision's
 * dependencies are installed from its lockfile (`npm ci`) into the temporary folder; when that
 * fails the error says which version was pinned and how to proceed. Objects are read lazily from
 * the synthesized files, so the temporary folder lives until {@link LoadedSide.dispose}. A fleet
 * module or project that does not exist at that revision is an empty fleet (everything is added),
 * with a note saying so.
 *
 * @param spec a folder holding index.json, or a git ref (`main`, `HEAD~1`, a commit)
 * @param projectDir the fleet project's folder (anywhere inside a git work tree)
 * @param fleetModule the fleet module, relative to the project folder
 */
export function loadSide(spec: string, projectDir: string, fleetModule: string): LoadedSide {
  if (fs.existsSync(spec) && fs.statSync(spec).isDirectory()) return { state: readSynthDir(spec), dispose: () => undefined };
  const git = (...args: string[]): string => {
    const r = spawnSync('git', ['-C', projectDir, ...args]);
    if (r.status !== 0)
      throw new DiffSourceError(
        `'${spec}' is neither a synth output folder nor a git ref of the repository holding ${projectDir}${r.stderr.trim() ? ` (${r.stderr.trim()})` : ''}; ` +
          'pass a branch, tag or commit (e.g. --base origin/main) or a folder written by `fleetwright synth`',
      );
    return r.stdout.trim();
  };
  const commit = git('rev-parse', '--verify', '--quiet', `${spec}^{commit}`);
  // The whole repository is exported (`git archive` in a subfolder would export only that folder).
  const prefix = git('rev-parse', '--show-prefix');
  const top = git('rev-parse', '--show-toplevel');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetwright-diff-'));
  const dispose = (): void => fs.rmSync(tmp, { recursive: true, force: true });
  try {
    const tree = path.join(tmp, 'tree');
    fs.mkdirSync(tree);
    const tarball = path.join(tmp, 'tree.tar');
    for (const [cmd, args] of [
      ['git', ['-C', top, 'archive', '--format=tar', `--output=${tarball}`, commit]],
      ['tar', ['-x', '-f', tarball, '-C', tree]],
    ] as const) {
      const step = spawnSync(cmd, args);
      if (step.status !== 0)
        throw new DiffSourceError(`could not export ${spec} (${commit.slice(0, 12)}): ${step.error?.message ?? step.stderr}`);
    }
    fs.rmSync(tarball);
    const baseProject = path.join(tree, prefix);
    if (!fs.existsSync(path.join(baseProject, fleetModule))) {
      dispose();
      return { state: EMPTY(''), note: `${fleetModule} does not exist at ${spec}: every object is new`, dispose: () => undefined };
    }
    const notes: string[] = [];
    const basePin = pinnedFleetwright(baseProject);
    const headPin = pinnedFleetwright(projectDir);
    let bin = installedBin(projectDir);
    // Without a lockfile entry at that revision, the installed fleetwright is the best match.
    if (basePin && !samePin(basePin, headPin)) {
      // That revision pins another fleetwright: install exactly its lockfile.
      const npm = spawnSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: baseProject });
      const pinnedBin = path.join(baseProject, 'node_modules', 'fleetwright', 'bin', 'fleetwright.js');
      if (npm.status !== 0 || !fs.existsSync(pinnedBin)) {
        throw new DiffSourceError(
          `${spec} pins ${describePin(basePin)} in its package-lock.json, and installing it failed` +
            `${npm.stderr?.trim() ? ` (${npm.stderr.trim().split('\n').slice(-3).join(' ')})` : ''}; ` +
            'make that version installable (npm registry or the tarball it names) or compare against a revision that pins the installed fleetwright',
        );
      }
      bin = pinnedBin;
      notes.push(`${spec} synthesized with ${describePin(basePin)}, as its package-lock.json pins`);
    }
    // The project's dependencies (cdk8s, fleetwright) come from the working tree's install — the
    // node_modules Node would use for the project, which may be a parent's in a monorepo — unless
    // that revision was installed above.
    const installed = nearestNodeModules(projectDir);
    if (!fs.existsSync(path.join(baseProject, 'node_modules')) && installed)
      fs.symlinkSync(installed, path.join(baseProject, 'node_modules'), 'dir');
    const out = path.join(tmp, 'dist');
    // The base revision was reviewed when it landed: its types are not checked again.
    const args = [bin, '--no-typecheck', '--fleet', path.join(baseProject, fleetModule), 'synth', '--out', out];
    const r = spawnSync(process.execPath, args, { cwd: baseProject });
    if (r.status !== 0)
      throw new DiffSourceError(
        `synthesizing ${spec} (${commit.slice(0, 12)}) failed; fix the fleet at that revision or compare against another --base:\n` +
          (r.stderr || r.stdout).trim(),
      );
    return { state: readSynthDir(out), note: notes.join('; ') || undefined, dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}
