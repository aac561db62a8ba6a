import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from '../../dev/tools';

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
