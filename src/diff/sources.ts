import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
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

/**
 * Reads one side of a diff: a `synth` output folder, or a git ref of the project, which is
 * exported to a temporary folder and synthesized with that revision's own code (through tsx, with
 * this checkout's node_modules). Objects are read lazily from the synthesized files, so the
 * temporary folder lives until {@link LoadedSide.dispose}. A `--fleet` module that does not exist
 * at that revision is an empty fleet (everything is added), with a note saying so.
 *
 * @param spec a folder holding index.json, or a git ref (`main`, `HEAD~1`, a commit)
 * @param root the project root (the git work tree)
 * @param fleetModule the `--fleet` module, relative to the root, if any
 */
export function loadSide(spec: string, root: string, fleetModule?: string): LoadedSide {
  if (fs.existsSync(spec) && fs.statSync(spec).isDirectory()) return { state: readSynthDir(spec), dispose: () => undefined };
  const git = (...args: string[]): string => {
    const r = spawnSync('git', ['-C', root, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
    if (r.status !== 0)
      throw new DiffSourceError(
        `'${spec}' is neither a synth output folder nor a git ref of ${root}${r.stderr.trim() ? ` (${r.stderr.trim()})` : ''}; ` +
          'pass a branch, tag or commit (e.g. --base origin/main) or a folder written by `fleetwright synth`',
      );
    return r.stdout.trim();
  };
  const commit = git('rev-parse', '--verify', '--quiet', `${spec}^{commit}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetwright-diff-'));
  const dispose = (): void => fs.rmSync(tmp, { recursive: true, force: true });
  try {
    const tree = path.join(tmp, 'tree');
    fs.mkdirSync(tree);
    const archive = spawnSync('sh', ['-c', `git -C "$1" archive "$2" | tar -x -C "$3"`, 'sh', root, commit, tree], { encoding: 'utf8' });
    if (archive.status !== 0) throw new DiffSourceError(`could not export ${spec} (${commit.slice(0, 12)}): ${archive.stderr}`);
    if (fleetModule && !fs.existsSync(path.join(tree, fleetModule))) {
      dispose();
      return { state: EMPTY(''), note: `${fleetModule} does not exist at ${spec}: every object is new`, dispose: () => undefined };
    }
    // A revision that committed node_modules (or a link to it) keeps its own.
    if (!fs.existsSync(path.join(tree, 'node_modules')))
      fs.symlinkSync(path.join(root, 'node_modules'), path.join(tree, 'node_modules'), 'dir');
    const out = path.join(tmp, 'dist');
    const args: string[] = [];
    if (fs.existsSync(path.join(tree, 'cli', 'main.ts'))) {
      // A revision of fleetwright itself: synthesize with that revision's own code.
      fs.writeFileSync(
        path.join(tree, '_fleetwright_synth.ts'),
        "import { main } from './cli/main';\nvoid main(['node', 'fleetwright', ...process.argv.slice(2)]).then((code) => process.exit(code));\n",
      );
      args.push(path.join(path.dirname(require.resolve('tsx/package.json')), 'dist', 'cli.mjs'), path.join(tree, '_fleetwright_synth.ts'));
    } else if (fleetModule) {
      // A fleet project: synthesize that revision's fleet module with this fleetwright.
      // The base revision was reviewed when it landed: its types are not checked again.
      args.push(path.join(packageRoot(), 'bin', 'fleetwright.js'), '--no-typecheck');
    } else {
      throw new DiffSourceError(`${root} has no fleetwright sources at ${spec}; pass the fleet module with --fleet <module>`);
    }
    if (fleetModule) args.push('--fleet', path.join(tree, fleetModule));
    args.push('synth', '--out', out);
    const r = spawnSync(process.execPath, args, { cwd: tree, encoding: 'utf8', maxBuffer: 1 << 30 });
    if (r.status !== 0)
      throw new DiffSourceError(
        `synthesizing ${spec} (${commit.slice(0, 12)}) failed; fix the fleet at that revision or compare against another --base:\n` +
          (r.stderr || r.stdout).trim(),
      );
    return { state: readSynthDir(out), dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}
