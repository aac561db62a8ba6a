import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LocalFleetPaths } from '../../src/dev/local-fleet';
import { run } from '../../src/exec/run';

/** Runs kubectl against a kubeconfig and returns stdout; fails with stderr. */
export async function kubectl(kubeconfig: string, ...args: string[]): Promise<string> {
  const r = await run('kubectl', ['--kubeconfig', kubeconfig, ...args], { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** `kind/namespace/name` of every object with the fleet label on a cluster. */
export async function fleetObjects(kubeconfig: string, fleet: string, kinds: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const kind of kinds) {
    const r = await run('kubectl', ['--kubeconfig', kubeconfig, 'get', kind, '-A', '-l', `fleetwright.io/fleet=${fleet}`, '-o', 'json'], {
      timeoutMs: 60_000,
    });
    if (r.code !== 0 && /doesn't have a resource type/.test(r.stderr)) continue;
    if (r.code !== 0) throw new Error(`kubectl get ${kind} failed: ${r.stderr}`);
    const list = JSON.parse(r.stdout) as { items: { kind: string; metadata: { name: string; namespace?: string } }[] };
    found.push(...list.items.map((i) => `${i.kind}/${i.metadata.namespace ?? ''}/${i.metadata.name}`));
  }
  return found.sort();
}

/** A fresh folder under the project's `.fleetwright/` scratch area, for one test file. */
export function e2eStateDir(name: string): string {
  const dir = path.resolve(__dirname, '..', '..', '.fleetwright', 'e2e', name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** The outcome of a CLI process. */
export interface CliResult {
  /** Exit code (null when a signal ended it). */
  readonly code: number | null;
  /** The signal that ended it. */
  readonly signal: NodeJS.Signals | null;
  /** Standard output. */
  readonly stdout: string;
  /** Standard error. */
  readonly stderr: string;
  /** Wall time in milliseconds. */
  readonly ms: number;
}

/** A running `fleetwright` process, in a process group of its own (its pulumi engine joins it; provider plugins get groups of their own). */
export interface CliProcess {
  /** Process id of the CLI, also the id of its process group. */
  readonly pid: number;
  /** Standard output so far. */
  stdout(): string;
  /** Standard error so far. */
  stderr(): string;
  /** Whether it has exited. */
  exited(): boolean;
  /** Resolves when it exits. */
  readonly done: Promise<CliResult>;
}

/** Every CLI process started by {@link startCli}, to clean up after a failed test. */
export const startedCli: CliProcess[] = [];

/** Starts `node bin/fleetwright.js <args>` as a user would, in the example project, in its own process group. */
export function startCli(args: readonly string[], env: NodeJS.ProcessEnv): CliProcess {
  const root = path.resolve(__dirname, '..', '..');
  const started = Date.now();
  const child = spawn(process.execPath, [path.join(root, 'bin', 'fleetwright.js'), ...args], {
    cwd: path.join(root, 'examples', 'edge-fleet'),
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let exited = false;
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      exited = true;
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
  if (child.pid === undefined) throw new Error(`could not start fleetwright ${args.join(' ')}`);
  const p: CliProcess = { pid: child.pid, stdout: () => stdout, stderr: () => stderr, exited: () => exited, done };
  startedCli.push(p);
  return p;
}

/** Process ids of the live members of a process group (Linux /proc). */
export function processGroup(pgid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z' && Number(fields[2]) === pgid) out.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** Process ids of every live descendant of a process (children, their children, …), from /proc. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      const ppid = Number(fields[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  const visit = (p: number): void => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      visit(c);
    }
  };
  visit(pid);
  return out;
}

/** Sends a signal to every process of a group; ignores a group that is gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/** Polls until `check` returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs: number, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The kube-apiserver process of a local (kwokctl) cluster: its pid, command line and working folder. */
export function apiserverProcess(paths: LocalFleetPaths, cluster: string): { pid: number; argv: string[]; cwd: string } {
  const clusterDir = path.join(paths.dir, 'kwok', 'clusters', cluster);
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (path.basename(argv[0] ?? '') !== 'kube-apiserver' || !argv.some((a) => a.includes(clusterDir))) continue;
      return { pid: Number(entry), argv, cwd: fs.readlinkSync(`/proc/${entry}/cwd`) };
    } catch {
      // exited meanwhile
    }
  }
  throw new Error(`no kube-apiserver process of cluster ${cluster} under ${clusterDir}`);
}
