/** Helpers shared by the benchmarks. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The median of some samples. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** The value of `--name` on the command line, or `fallback`. */
export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** Resident memory (MiB) of `pid` and all its descendants. */
export function treeRss(pid: number): number {
  const children = new Map<number, number[]>();
  for (const p of fs.readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(p)]);
    } catch {
      // gone
    }
  }
  let kb = 0;
  const todo = [pid];
  while (todo.length > 0) {
    const p = todo.pop() as number;
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone
    }
    todo.push(...(children.get(p) ?? []));
  }
  return kb / 1024;
}

/**
 * CPU-seconds the whole machine has spent busy since boot (every process: the API servers of the
 * local fleet too), from /proc/stat; the difference over a step is what the step cost the machine.
 */
export function machineCpuSeconds(): number {
  const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: busy is all but idle and iowait (USER_HZ = 100).
  const [user, nice, system, , , irq, softirq, steal] = fields;
  return (user + nice + system + irq + softirq + steal) / 100;
}

/** A finished command: wall time, peak memory of its process tree, exit code, output. */
export interface Measured {
  readonly seconds: number;
  readonly peakMiB: number;
  readonly code: number | null;
  readonly output: string;
}

/** Runs a command, sampling the memory of its process tree; resolves when it exits. */
export function measure(cwd: string, cmd: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Measured> {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, treeRss(child.pid as number))), 250);
    child.on('exit', (code) => {
      clearInterval(timer);
      resolve({ seconds: Number(process.hrtime.bigint() - start) / 1e9, peakMiB: peak, code, output });
    });
  });
}

/** Fails with the command's output unless it exited with one of `ok`. */
export function check(m: Measured, what: string, ok: readonly number[] = [0]): Measured {
  if (!ok.includes(m.code ?? -1)) throw new Error(`${what} exited ${m.code}:\n${m.output.slice(-4000)}`);
  return m;
}

/** kubectl's errors for a custom resource applied before its CRD is established. */
export const CRD_NOT_READY = /ensure CRDs are installed first|no matches for kind|could not find the requested resource/;

/**
 * Applies every cluster's folder of synthesized files with `kubectl apply --server-side`, all
 * clusters at once (a folder is applied again while its CRDs are not established yet); with
 * `waitAvailable`, each then waits for the fleet's Deployments.
 *
 * @param dir a region folder of `synth` output (one folder per cluster)
 */
export async function kubectlAll(
  dir: string,
  kubeconfigs: Readonly<Record<string, string>>,
  waitAvailable?: { readonly fleet: string },
): Promise<Measured> {
  const start = process.hrtime.bigint();
  const results = await Promise.allSettled(
    fs.readdirSync(dir).map(async (c) => {
      const kc = ['--kubeconfig', kubeconfigs[c]];
      const apply = [...kc, 'apply', '--server-side', '--field-manager', 'bench', '-f', path.join(dir, c)];
      for (let attempt = 0; ; attempt++) {
        const m = await measure(dir, 'kubectl', apply, process.env);
        if (m.code !== 0 && attempt < 20 && CRD_NOT_READY.test(m.output)) {
          await new Promise((r) => setTimeout(r, 1000));
          continue;
        }
        check(m, 'kubectl apply');
        break;
      }
      if (waitAvailable) {
        const selector = `fleetwright.io/fleet=${waitAvailable.fleet}`;
        const args = [...kc, 'wait', '--for=condition=Available', 'deployments', '--all', '-A', '-l', selector, '--timeout=300s'];
        check(await measure(dir, 'kubectl', args, process.env), 'kubectl wait');
      }
    }),
  );
  // Every cluster's kubectl has ended before a failure is reported (the caller then removes `dir`).
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, peakMiB: 0, code: 0, output: '' };
}
