/** Runs the real `fleetwright` CLI as a user would: a separate Node process on the built package. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The repository root. */
export const ROOT = path.resolve(__dirname, '..');
/** The CLI entry point a user runs (`npx fleetwright` resolves to it). */
export const BIN = path.join(ROOT, 'bin', 'fleetwright.js');

/** What one CLI run did. */
export interface CliRun {
  /** Exit code. */
  readonly code: number;
  /** Standard output. */
  readonly out: string;
  /** Standard error. */
  readonly err: string;
}

/** Runs `fleetwright ...args` in `cwd` and waits for it. */
export function runCli(args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    timeout: 120_000,
  });
  return { code: r.status ?? 1, out: r.stdout, err: r.stderr };
}

/** Runs git in `cwd` with a fixed identity; throws on failure. */
export function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/**
 * A fresh fleet project in a temporary git repository, as a platform team has one: a Pulumi.yaml,
 * the fleet module, node_modules linked to this checkout's. The module imports fleetwright from
 * the built package.
 */
export function fleetProject(files: Record<string, string>): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetwright-project-'));
  fs.writeFileSync(path.join(dir, 'Pulumi.yaml'), 'name: my-fleet\nruntime: nodejs\n');
  fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules\ndist\n');
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  for (const [rel, content] of Object.entries(files)) writeFile(dir, rel, content);
  git(dir, 'init', '-q', '-b', 'main');
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Writes a file of a project, creating its folder. */
export function writeFile(dir: string, rel: string, content: string): void {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), content);
}

/** The import line a test fleet module uses to reach the built fleetwright. */
export const IMPORT_FLEETWRIGHT = `from '${path.join(ROOT, 'lib').replace(/\\/g, '/')}'`;

/** Every file below `dir` as `relative path → content`. */
export function readTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = path.join(rel, e.name);
      if (e.isDirectory()) walk(child);
      else if (e.isFile()) files[child] = fs.readFileSync(path.join(dir, child), 'utf8');
    }
  };
  walk('');
  return files;
}
