import * as fs from 'node:fs';
import * as path from 'node:path';
import { rolloutPlan } from '../model/placement';
import { FIELD_MANAGER } from '../model/objects';
import { KubeconfigKind } from '../model/kubeconfig';
import { UsageError } from '../project/errors';
import { localKubeconfigDir, projectRoot } from '../project/paths';
import { synthesizeFleet } from '../synth/synth';
import { allReady } from '../status/assess';
import type { ClusterReadTarget } from '../status/read';
import { renderLiveStatus } from '../status/render';
import type { FleetLiveStatus } from '../status/schema';
import type { DeployCommandOptions } from './deploy';
import type { CliIo } from './io';

/** Options of `status --live` and `dashboard`. */
export interface LiveStatusOptions extends DeployCommandOptions {
  /** Seconds one cluster may take before it is reported unreachable. */
  readonly timeoutSeconds: number;
  /** Clusters read at once. */
  readonly concurrency: number;
}

/** Options of `status --live`. */
export interface LiveStatusCommandOptions extends LiveStatusOptions {
  /** Print the JSON document instead of the table. */
  readonly json: boolean;
  /** Also write the status page to this file. */
  readonly html?: string;
  /** Read again every `intervalSeconds` until interrupted. */
  readonly watch: boolean;
  /** Seconds between reads with `watch`. */
  readonly intervalSeconds: number;
}

/** The decrypted `fleetwright:kubeconfigs` and `fleetwright:kubeconfigDir` of a region's stack. */
async function stackKubeconfigSources(
  opts: LiveStatusOptions,
  root: string,
  region: string,
): Promise<{ secrets?: Record<string, string>; dir?: string }> {
  const { openStack } = await import('../deploy/automation');
  const stack = await openStack({ root, region, local: false, fleet: opts.explicitFleet ? opts.fleet : undefined });
  const { kubeconfigSourcesOf } = await import('../deploy/kubeconfig');
  return kubeconfigSourcesOf(await stack.getAllConfig(), root);
}

/**
 * Reads the live status of the regions' clusters: synthesizes what each should run (as `up` would),
 * finds each kubeconfig (the local fleet's, the stack config's or the cluster's own reference) and
 * reads every cluster in parallel.
 *
 * @throws UsageError listing every cluster without a kubeconfig
 */
export async function readLiveStatus(opts: LiveStatusOptions): Promise<FleetLiveStatus> {
  const { readKubeconfigs } = await import('../deploy/kubeconfig');
  const { kindsOf, readFleetStatus } = await import('../status/read');
  const root = opts.root ?? projectRoot();
  const fleet = opts.fleet();
  const targets: ClusterReadTarget[] = [];
  const problems: string[] = [];
  let fleetName = '';
  for (const region of opts.regions) {
    const synthesis = synthesizeFleet(fleet, { region });
    fleetName = synthesis.fleet;
    const clusters = synthesis.clusters;
    const needsStack = !opts.local && clusters.some((c) => c.kubeconfig.kind === KubeconfigKind.STACK_CONFIG);
    const sources = opts.local ? { dir: localKubeconfigDir(root) } : needsStack ? await stackKubeconfigSources(opts, root, region) : {};
    let kubeconfigs: Record<string, string>;
    try {
      kubeconfigs = readKubeconfigs(clusters, sources);
    } catch (e) {
      problems.push((e as Error).message.split('\n').slice(1).join('\n'));
      continue;
    }
    const plan = rolloutPlan(fleet, region);
    const partitionOf = new Map(plan.partitions.flatMap((p) => p.waves.flat().map((c) => [c, p.name] as const)));
    for (const c of clusters) targets.push({ cluster: c, kubeconfig: kubeconfigs[c.name], partition: partitionOf.get(c.name) ?? '' });
  }
  if (problems.length > 0) {
    const hint = opts.local ? '; start the local fleet with `npx fleetwright dev up`' : '';
    throw new UsageError(`cannot read the clusters' status, kubeconfigs are missing${hint}:\n${problems.join('\n')}`);
  }
  const all = targets.map((t) => t.cluster);
  return readFleetStatus(targets, {
    fleet: fleetName,
    manager: FIELD_MANAGER,
    concurrency: opts.concurrency,
    timeoutMs: opts.timeoutSeconds * 1000,
    kinds: kindsOf(all),
  });
}

/** Marks a page `status --html` wrote, so only such a file is ever replaced. */
const PAGE_MARKER = 'id="fleet-status"';

/** Refuses an `--html` path that is a folder or a file fleetwright did not write. */
function checkHtmlPath(file: string): void {
  if (!fs.existsSync(file)) {
    const dir = path.dirname(path.resolve(file));
    if (!fs.existsSync(dir)) throw new UsageError(`--html ${file}: folder ${dir} does not exist; create it or choose another path`);
    return;
  }
  if (fs.statSync(file).isDirectory())
    throw new UsageError(`--html ${file}: is a folder; give the path of the page to write, e.g. ${path.join(file, 'status.html')}`);
  if (!fs.readFileSync(file, 'utf8').includes(PAGE_MARKER)) {
    throw new UsageError(
      `--html ${file}: the file exists and is not a status page fleetwright wrote; it was left alone: choose another path`,
    );
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

/** Aborts on Ctrl-C or SIGTERM (for `--watch` and `dashboard`). */
function interruption(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: controller.signal,
    dispose: () => {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
    },
  };
}

/**
 * `status --live`: reads every cluster and prints the table (or JSON), writes the page with
 * `--html`, and with `--watch` reads again every interval until interrupted.
 *
 * @returns 0 when everything desired is Ready, 2 when not, 1 on error
 */
export async function runLiveStatusCommand(opts: LiveStatusCommandOptions, io: CliIo): Promise<number> {
  if (opts.html !== undefined) checkHtmlPath(opts.html);
  const once = async (): Promise<number> => {
    const status = await readLiveStatus(opts);
    io.out(opts.json ? `${JSON.stringify(status, null, 2)}\n` : renderLiveStatus(status));
    if (opts.html !== undefined) {
      const { renderStatusPage } = await import('../status/html');
      fs.writeFileSync(opts.html, renderStatusPage(status));
      io.err(`wrote the status page ${opts.html}\n`);
    }
    return allReady(status) ? 0 : 2;
  };
  if (!opts.watch) return once();
  const { signal, dispose } = interruption();
  let code = 0;
  try {
    while (!signal.aborted) {
      if (process.stdout.isTTY && !opts.json) io.out('\x1b[2J\x1b[H');
      code = await once();
      if (!opts.json) io.err(`next read in ${opts.intervalSeconds} s (Ctrl-C to stop)\n`);
      await sleep(opts.intervalSeconds * 1000, signal);
    }
  } finally {
    dispose();
  }
  return code;
}

/** Options of `dashboard`. */
export interface DashboardCommandOptions extends LiveStatusOptions {
  /** Port on 127.0.0.1 (0: any free port). */
  readonly port: number;
  /** Seconds between reads. */
  readonly intervalSeconds: number;
}

/**
 * `dashboard`: serves the status page on 127.0.0.1, reading the clusters every interval, until
 * interrupted.
 *
 * @returns 0 when stopped, 1 when it could not start
 */
export async function runDashboardCommand(opts: DashboardCommandOptions, io: CliIo): Promise<number> {
  const { serveDashboard } = await import('../status/serve');
  // The first read happens before serving, so a mistake (no kubeconfigs, an invalid fleet) stops here.
  let first: FleetLiveStatus | undefined = await readLiveStatus(opts);
  const read = (): Promise<FleetLiveStatus> => {
    const ready = first;
    first = undefined;
    return ready ? Promise.resolve(ready) : readLiveStatus(opts);
  };
  const { signal, dispose } = interruption();
  let dashboard;
  try {
    dashboard = await serveDashboard({ port: opts.port, intervalSeconds: opts.intervalSeconds, read });
  } catch (e) {
    dispose();
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE')
      throw new UsageError(`--port ${opts.port}: the port is in use on 127.0.0.1; choose another with --port (0 picks a free one)`);
    throw e;
  }
  io.out(`serving the fleet's live status on ${dashboard.url} (read every ${opts.intervalSeconds} s; Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve())));
  dispose();
  await dashboard.close();
  io.err('dashboard stopped\n');
  return 0;
}
