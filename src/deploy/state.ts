/**
 * Reading and writing a stack's state with `pulumi stack export` / `import`, secrets left
 * encrypted: the Automation API's `exportStack` shows secrets in plain text and `importStack`
 * writes them to a temporary file.
 */
import type { Workspace } from '@pulumi/pulumi/automation';
import { run } from '../exec/run';

/** A resource of an exported state. */
export interface ExportedResource {
  /** Its URN. */
  readonly urn: string;
  /** Its Pulumi type. */
  readonly type: string;
  /** URNs it depends on. */
  dependencies?: string[];
}

/** The exported state of a deployment: its resources, and whatever else Pulumi keeps. */
export interface ExportedState {
  /** The deployment (absent for a stack that never ran). */
  deployment?: { resources?: ExportedResource[] };
}

async function pulumiState(ws: Workspace, args: readonly string[], input?: string): Promise<string> {
  const r = await run('pulumi', [...args, '--non-interactive'], { cwd: ws.workDir, env: { ...process.env, ...ws.envVars }, input });
  if (r.code !== 0) throw new Error(r.stderr.trim().split('\n').slice(-8).join('\n'));
  return r.stdout;
}

/** A stack's state as `pulumi stack export` gives it, secrets encrypted. */
export async function exportState(ws: Workspace, stack: string): Promise<ExportedState> {
  return JSON.parse(await pulumiState(ws, ['stack', 'export', '--stack', stack])) as ExportedState;
}

/** Replaces a stack's state (`pulumi stack import`), secrets as exported. */
export async function importState(ws: Workspace, stack: string, state: ExportedState): Promise<void> {
  await pulumiState(ws, ['stack', 'import', '--stack', stack], JSON.stringify(state));
}
