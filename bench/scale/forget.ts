/**
 * Removes the scale benchmark's stacks (`local-scale`, `local-scale.<n>`) from the local Pulumi
 * state without touching the clusters, so that the next run deploys a fresh fleet from scratch.
 */
import * as path from 'node:path';
import { LocalWorkspace } from '@pulumi/pulumi/automation';
import { pulumiEnv } from '../../src/deploy/automation';
import { regionStacks } from '../../src/deploy/shards';
import { projectRoot } from '../../src/cli/deploy';
import { SCALE_REGION } from './fleet';

async function main(): Promise<void> {
  const root = projectRoot(path.resolve(__dirname, '..', '..', '..', 'examples', 'edge-fleet'));
  const ws = await LocalWorkspace.create({ workDir: root, envVars: pulumiEnv(root) });
  for (const name of await regionStacks(ws, `local-${SCALE_REGION}`)) await ws.removeStack(name, { force: true });
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
