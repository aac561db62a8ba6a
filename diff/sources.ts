import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiffSourceError } from './errors';
import { DesiredState, readSynthDir } from './model';

/**
 * Reads one side of a diff: a `synth` output folder, or a git ref of the project, which is
 * exported to a temporary folder and synthesized with that revision's own code (through tsx, with
 * this checkout's node_modules).
 *
 * @param spec a folder holding index.json, or a git ref (`main`, `HEAD~1`, a commit)
 * @param root the project root (the git work tree)
 * @param fleetModule the `--fleet` module, relative to the root, if any
 */
export function loadSide(spec: string, root: string, fleetModule?: string): DesiredState {
  if (fs.existsSync(spec) && fs.statSync(spec).isDirectory()) return readSynthDir(spec);
  const git = (...args: string[]): string => {
    const r = spawnSync('git', ['-C', root, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
    if (r.status !== 0)
      throw new DiffSourceError(`'${spec}' is neither a synth output folder nor a git ref of ${root}: ${r.stderr.trim()}`);
    return r.stdout.trim();
  };
  const commit = git('rev-parse', '--verify', '--quiet', `${spec}^{commit}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetwright-diff-'));
  try {
    const tree = path.join(tmp, 'tree');
    fs.mkdirSync(tree);
    const archive = spawnSync('sh', ['-c', `git -C "$1" archive "$2" | tar -x -C "$3"`, 'sh', root, commit, tree], { encoding: 'utf8' });
    if (archive.status !== 0) throw new DiffSourceError(`could not export ${spec} (${commit.slice(0, 12)}): ${archive.stderr}`);
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(tree, 'node_modules'), 'dir');
    fs.writeFileSync(
      path.join(tree, '_fleetwright_synth.ts'),
      "import { main } from './cli/main';\nvoid main(['node', 'fleetwright', ...process.argv.slice(2)]).then((code) => process.exit(code));\n",
    );
    const out = path.join(tmp, 'dist');
    const args = [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(tree, '_fleetwright_synth.ts')];
    if (fleetModule) args.push('--fleet', path.join(tree, fleetModule));
    args.push('synth', '--out', out);
    const r = spawnSync(process.execPath, args, { cwd: tree, encoding: 'utf8', maxBuffer: 1 << 30 });
    if (r.status !== 0)
      throw new DiffSourceError(`synthesizing ${spec} (${commit.slice(0, 12)}) failed:\n${(r.stderr || r.stdout).trim()}`);
    return readSynthDir(out);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
