import * as fs from 'node:fs';
import * as path from 'node:path';
import Table from 'cli-table3';
import { Fleet } from '../model/fleet';
import { stackName, stateDir } from '../project/paths';
import { pulumiProject } from '../deploy/project';
import { devDown, devStatus, devUp, LocalFleetMode, LocalFleetPaths } from '../dev/local-fleet';
import { projectRoot } from './deploy';
import type { CliIo } from './io';

/** The local fleet's folder: `<state>/dev`. */
export function localFleetPaths(root = projectRoot()): LocalFleetPaths {
  return { dir: path.join(stateDir(root), 'dev') };
}

/** `dev up`. */
export async function runDevUp(fleet: Fleet, opts: { light: boolean; nodes: number; parallel?: number }, io: CliIo): Promise<number> {
  const started = Date.now();
  const mode = opts.light ? LocalFleetMode.LIGHT : LocalFleetMode.FULL;
  const clusters = await devUp(fleet, localFleetPaths(), { mode, nodes: opts.nodes, parallel: opts.parallel }, (l) => io.out(`${l}\n`));
  io.out(
    `local fleet (${mode}): ${clusters.length} clusters healthy in ${((Date.now() - started) / 1000).toFixed(1)}s; kubeconfigs in ${path.relative(process.cwd(), path.join(localFleetPaths().dir, 'kubeconfigs')) || '.'}\n`,
  );
  // In a Pulumi project, the local stacks exist and are configured, so plain `pulumi up -s` works too.
  const root = projectRoot();
  if (pulumiProject(root)?.main) {
    const { openStack } = await import('../deploy/automation');
    const stacks: string[] = [];
    for (const region of fleet.regions) {
      await openStack({ root, region, local: true });
      stacks.push(stackName(region, true));
    }
    io.out(
      `local stacks ${stacks.join(', ')} are ready: deploy with \`npx fleetwright up --local\`, or with Pulumi itself: ` +
        `\`eval "$(npx fleetwright env)" && pulumi up -s ${stacks[0]}\`\n`,
    );
  }
  return 0;
}

/** `dev status`. */
export async function runDevStatus(json: boolean, io: CliIo): Promise<number> {
  const status = await devStatus(localFleetPaths());
  if (json) {
    io.out(`${JSON.stringify(status, null, 2)}\n`);
  } else if (status.clusters.length === 0) {
    io.out('no local fleet; start one with `npx fleetwright dev up`\n');
  } else {
    const table = new Table({ head: ['cluster', 'endpoint', 'health', 'kubeconfig'], style: { head: [], border: [] } });
    for (const c of status.clusters)
      table.push([c.name, c.server, c.healthy ? 'healthy' : 'UNREACHABLE', path.relative(process.cwd(), c.kubeconfig)]);
    io.out(`local fleet (${status.mode}):\n${table.toString()}\n`);
  }
  return status.clusters.every((c) => c.healthy) ? 0 : 1;
}

/** The first line of every stack config file fleetwright writes for the local fleet. */
const LOCAL_STACK_HEADER = '# Written by fleetwright for the local fleet';

/**
 * `dev down`: stops the local fleet and forgets the local stacks (their clusters are gone, so
 * their Pulumi state would claim objects that no longer exist). Removes only what fleetwright
 * created: nothing at all when no local fleet was started in this state folder.
 */
export async function runDevDown(io: CliIo): Promise<number> {
  const root = projectRoot();
  const paths = localFleetPaths(root);
  const removed = await devDown(paths, (l) => io.out(`${l}\n`));
  if (removed === undefined) {
    io.out(`no local fleet in ${paths.dir}; nothing was removed\n`);
    return 0;
  }
  const backend = path.join(stateDir(root), 'pulumi', '.pulumi');
  const projectName = pulumiProject(root)?.name ?? 'fleetwright';
  // The file backend keeps each project's stacks under its name (locks under locks/organization/).
  const folders = [
    ...['stacks', 'history', 'backups'].map((sub) => path.join(sub, projectName)),
    path.join('locks', 'organization', projectName),
  ];
  for (const sub of folders) {
    const dir = path.join(backend, sub);
    if (!fs.existsSync(dir)) continue;
    for (const entry of fs.readdirSync(dir))
      if (entry.startsWith('local-')) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  }
  for (const file of fs.existsSync(path.join(root, 'stacks')) ? fs.readdirSync(path.join(root, 'stacks')) : []) {
    const config = path.join(root, 'stacks', file);
    if (/^Pulumi\.local-.*\.yaml$/.test(file) && fs.readFileSync(config, 'utf8').startsWith(LOCAL_STACK_HEADER)) fs.rmSync(config);
  }
  io.out(`local fleet removed (${removed} clusters)\n`);
  return 0;
}
