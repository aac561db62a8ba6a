import { generateKeyPairSync, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { spawn } from '../exec/run';
import { Fleet } from '../model/fleet';
import { byteOrder } from '../model/names';
import { isHealthy, readKubeconfig } from './kube';
import { alive, findTool, runOk, sleep, ToolError } from './tools';

/** How local clusters run. */
export enum LocalFleetMode {
  /** kwokctl clusters: etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok nodes; Deployments become Ready. */
  FULL = 'full',
  /** API servers only, sharing one etcd (a prefix per cluster), no controllers: for scale tests. */
  LIGHT = 'light',
}

/** One local cluster, as recorded in the state file. */
export interface LocalCluster {
  /** Cluster name (as in the fleet). */
  readonly name: string;
  /** API server URL. */
  readonly server: string;
  /** Kubeconfig file. */
  readonly kubeconfig: string;
  /** Processes started for it (light mode). */
  readonly pids: readonly number[];
}

/** The local fleet's state file. */
export interface LocalFleetState {
  /** Mode. */
  readonly mode: LocalFleetMode;
  /** Clusters by name. */
  readonly clusters: Record<string, LocalCluster>;
  /** Shared etcd (light mode). */
  readonly etcd?: { readonly pid: number; readonly url: string };
}

/** Where the local fleet lives. */
export interface LocalFleetPaths {
  /** The state folder (`.fleetwright/dev`). */
  readonly dir: string;
}

const stateFile = (p: LocalFleetPaths): string => path.join(p.dir, 'state.json');
/** Kubeconfig folder of the local fleet. */
export const kubeconfigDirOf = (p: LocalFleetPaths): string => path.join(p.dir, 'kubeconfigs');

/** Reads the state file, if the local fleet exists. */
export function readState(p: LocalFleetPaths): LocalFleetState | undefined {
  return fs.existsSync(stateFile(p)) ? (JSON.parse(fs.readFileSync(stateFile(p), 'utf8')) as LocalFleetState) : undefined;
}

function writeState(p: LocalFleetPaths, state: LocalFleetState): void {
  fs.mkdirSync(p.dir, { recursive: true });
  fs.writeFileSync(stateFile(p), `${JSON.stringify(state, null, 2)}\n`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function startDetached(bin: string, args: readonly string[], log: string, env: NodeJS.ProcessEnv = process.env): number {
  const fd = fs.openSync(log, 'a');
  const child = spawn(bin, args, { detached: true, stdio: ['ignore', fd, fd], env });
  fs.closeSync(fd);
  child.unref();
  if (child.pid === undefined) throw new ToolError(`could not start ${bin}; see ${log}`);
  return child.pid;
}

async function waitHealthy(name: string, kubeconfig: string, timeoutMs: number, log?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (fs.existsSync(kubeconfig) && (await isHealthy(readKubeconfig(kubeconfig)))) return;
    await sleep(500);
  }
  throw new ToolError(`cluster '${name}' did not become healthy within ${timeoutMs / 1000}s${log ? `; see ${log}` : ''}`);
}

/** Progress reporting. */
export type Progress = (line: string) => void;

/** Options of {@link devUp}. */
export interface DevUpOptions {
  /** The mode. */
  readonly mode: LocalFleetMode;
  /**
   * kwok nodes per cluster (full mode).
   *
   * @default 2
   */
  readonly nodes?: number;
  /**
   * Clusters started at once.
   *
   * @default 1 in full mode (CPU-bound start-up), 4 in light mode
   */
  readonly parallel?: number;
  /**
   * Light mode: start the API servers with the memory settings of {@link leanApiserverSettings}
   * (about 105 MiB of anonymous memory each instead of 165). `false` starts them without these
   * settings, as the baseline of `bench/devfleet`.
   *
   * @default true
   */
  readonly lean?: boolean;
}

/**
 * Starts one local cluster per cluster of the fleet, on 127.0.0.1, and writes one kubeconfig per
 * cluster into the state folder. Idempotent: healthy clusters are left alone, missing ones are
 * created.
 *
 * @returns the clusters
 */
export async function devUp(fleet: Fleet, paths: LocalFleetPaths, opts: DevUpOptions, progress: Progress): Promise<LocalCluster[]> {
  const existing = readState(paths);
  if (existing && existing.mode !== opts.mode) {
    throw new ToolError(
      `the local fleet is running in ${existing.mode} mode; run \`npx fleetwright dev down\` before starting it in ${opts.mode} mode`,
    );
  }
  if (!existing && fs.existsSync(paths.dir) && fs.readdirSync(paths.dir).length > 0) {
    throw new ToolError(
      `${paths.dir} holds files that no local fleet of fleetwright created (no state.json); ` +
        'move them away, or set FLEETWRIGHT_STATE to another folder, then run `npx fleetwright dev up` again',
    );
  }
  fs.mkdirSync(kubeconfigDirOf(paths), { recursive: true });
  const clusters = fleet.clusters.map((c) => ({ name: c.clusterName, labels: c.labels })).sort((a, b) => byteOrder(a.name, b.name));
  return opts.mode === LocalFleetMode.FULL ? upFull(clusters, paths, opts, progress) : upLight(clusters, paths, opts, progress);
}

async function inBatches<T, R>(items: readonly T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

function kwokEnv(paths: LocalFleetPaths): NodeJS.ProcessEnv {
  return { ...process.env, KWOK_WORKDIR: path.join(paths.dir, 'kwok') };
}

function writeKwokConfig(paths: LocalFleetPaths): string {
  const file = path.join(paths.dir, 'kwok.yaml');
  const lines = [
    'kind: KwokctlConfiguration',
    'apiVersion: config.kwok.x-k8s.io/v1alpha1',
    'options:',
    '  runtime: binary',
    '  bindAddress: 127.0.0.1',
    '  quietPull: true',
    `  kubeApiserverBinary: ${findTool('kube-apiserver')}`,
    `  kubeControllerManagerBinary: ${findTool('kube-controller-manager')}`,
    `  kubeSchedulerBinary: ${findTool('kube-scheduler')}`,
    `  kwokControllerBinary: ${findTool('kwok')}`,
    `  etcdBinary: ${findTool('etcd')}`,
    `  kubectlBinary: ${findTool('kubectl')}`,
    '',
  ];
  fs.writeFileSync(file, lines.join('\n'));
  return file;
}

async function upFull(
  clusters: { name: string; labels: Record<string, string> }[],
  paths: LocalFleetPaths,
  opts: DevUpOptions,
  progress: Progress,
): Promise<LocalCluster[]> {
  const kwokctl = findTool('kwokctl');
  const kubectl = findTool('kubectl');
  const config = writeKwokConfig(paths);
  const env = kwokEnv(paths);
  const state: LocalFleetState = readState(paths) ?? { mode: LocalFleetMode.FULL, clusters: {} };
  const result = await inBatches(clusters, opts.parallel ?? 1, async (c) => {
    const kubeconfig = path.join(kubeconfigDirOf(paths), `${c.name}.kubeconfig`);
    const known = state.clusters[c.name];
    if (known && fs.existsSync(kubeconfig) && (await isHealthy(readKubeconfig(kubeconfig)))) {
      progress(`cluster ${c.name}: already running at ${known.server}`);
      return known;
    }
    const started = Date.now();
    if (known) {
      progress(`cluster ${c.name}: not healthy, restarting`);
      await runOk(`restarting cluster '${c.name}'`, kwokctl, ['--name', c.name, 'start', 'cluster', '--wait', '180s'], { env }).catch(
        () => undefined,
      );
    } else {
      progress(`cluster ${c.name}: creating`);
      await runOk(
        `creating cluster '${c.name}'`,
        kwokctl,
        ['-c', config, '--name', c.name, 'create', 'cluster', '--kubeconfig', kubeconfig, '--wait', '180s'],
        { env, timeoutMs: 300_000 },
      );
      await runOk(
        `adding nodes to cluster '${c.name}'`,
        kwokctl,
        ['--name', c.name, 'scale', 'node', '--replicas', String(opts.nodes ?? 2)],
        { env },
      );
      const labels = Object.entries({ ...c.labels, 'fleetwright.io/cluster': c.name }).map(([k, v]) => `${k}=${v}`);
      await runOk(`labelling the nodes of cluster '${c.name}'`, kubectl, [
        '--kubeconfig',
        kubeconfig,
        'label',
        'nodes',
        '--all',
        '--overwrite',
        ...labels,
      ]);
      await runOk(`labelling namespace kube-system of cluster '${c.name}'`, kubectl, [
        '--kubeconfig',
        kubeconfig,
        'label',
        'namespace',
        'kube-system',
        '--overwrite',
        ...labels,
      ]);
    }
    await waitHealthy(c.name, kubeconfig, 120_000);
    const cluster: LocalCluster = { name: c.name, server: readKubeconfig(kubeconfig).server, kubeconfig, pids: [] };
    state.clusters[c.name] = cluster;
    writeState(paths, state);
    progress(`cluster ${c.name}: healthy at ${cluster.server} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
    return cluster;
  });
  return result;
}

/**
 * The built-in API group versions a light API server serves (`--runtime-config=api/all=false,…`): what
 * bundles deploy and what kubectl, the Pulumi provider and the status reader ask for. Beta and
 * alpha versions are off anyway; left out are events.k8s.io (core v1 Events stay),
 * certificates.k8s.io, resource.k8s.io and flowcontrol.apiserver.k8s.io (priority and fairness is
 * off). The API server does not start without apiregistration.k8s.io/v1 (the aggregator),
 * networking.k8s.io/v1 (ServiceCIDR repair) and admissionregistration.k8s.io/v1 (informers of the
 * webhook and policy admission plugins).
 */
export const LIGHT_API_GROUPS: readonly string[] = [
  'api/v1',
  'admissionregistration.k8s.io/v1',
  'apiextensions.k8s.io/v1',
  'apiregistration.k8s.io/v1',
  'apps/v1',
  'authentication.k8s.io/v1',
  'authorization.k8s.io/v1',
  'autoscaling/v1',
  'autoscaling/v2',
  'batch/v1',
  'coordination.k8s.io/v1',
  'discovery.k8s.io/v1',
  'networking.k8s.io/v1',
  'node.k8s.io/v1',
  'policy/v1',
  'rbac.authorization.k8s.io/v1',
  'scheduling.k8s.io/v1',
  'storage.k8s.io/v1',
];

/**
 * Default admission plugins a light API server turns off: those about Pods, nodes, volumes,
 * certificates and quotas, which need controllers or informers a cluster without controllers does
 * not use. Left on: NamespaceLifecycle and the webhook and CEL admission policy plugins. Without
 * controllers, ResourceQuota checks nothing anyway (it only enforces quotas whose status the quota
 * controller filled in), and StorageObjectInUseProtection was a dead end: its finalizer kept a
 * deleted PersistentVolumeClaim forever.
 */
export const LIGHT_DISABLED_ADMISSION_PLUGINS: readonly string[] = [
  'CertificateApproval',
  'CertificateSigning',
  'CertificateSubjectRestriction',
  'ClusterTrustBundleAttest',
  'DefaultIngressClass',
  'DefaultStorageClass',
  'DefaultTolerationSeconds',
  'JobValidation',
  'LimitRanger',
  'NodeDeclaredFeatureValidator',
  'PersistentVolumeClaimResize',
  'PodGroupProtection',
  'PodGroupWorkloadExists',
  'PodResizeValidator',
  'PodSecurity',
  'PodTopologyLabels',
  'Priority',
  'ResourceQuota',
  'RuntimeClass',
  'ServiceAccount',
  'StorageObjectInUseProtection',
  'TaintNodesByCondition',
];

/**
 * The memory settings of light API servers: extra flags and environment. An idle kube-apiserver
 * 1.36 keeps about 65 MiB of live Go heap (OpenAPI specs, handlers, one etcd client per resource);
 * with Go's default `GOGC=100` the heap grows to twice that before it is collected, so it holds
 * about 165 MiB of anonymous memory (plus about 80 MiB of its binary, shared by all of them).
 * Measured one by one (BENCHMARKS.md, "Local fleet"):
 *
 * - `GOGC=25`: the heap grows by a quarter before a collection: about −50 MiB per server, for
 *   about 30% more CPU during start-up. (`GOMEMLIMIT` below the natural size makes the collector
 *   run all the time: 13–17% CPU per idle server.)
 * - `--runtime-config`: only {@link LIGHT_API_GROUPS}: about −7 MiB, and fewer etcd clients.
 * - `--disable-admission-plugins`: {@link LIGHT_DISABLED_ADMISSION_PLUGINS}: about −5 MiB.
 * - `APIServerIdentity` and `UnknownVersionInteroperabilityProxy` off (no identity lease written
 *   every 10 s, no peer proxy) and no etcd metric polls (object counts per resource every minute,
 *   database size every 30 s): about −2 MiB, 20% less idle CPU of the API servers and 60% less
 *   of the shared etcd.
 *
 * Tried without a measurable gain, so left out: `GOMAXPROCS=1` and the OpenAPIEnums feature gate.
 * Flags about the watch cache (`--default-watch-cache-size`) and request concurrency
 * (`--max-requests-inflight`) have nothing left to save: the watch cache and priority and fairness
 * are already off.
 */
export function leanApiserverSettings(): { args: string[]; env: Record<string, string> } {
  return {
    args: [
      `--runtime-config=api/all=false,${LIGHT_API_GROUPS.map((g) => `${g}=true`).join(',')}`,
      `--disable-admission-plugins=${LIGHT_DISABLED_ADMISSION_PLUGINS.join(',')}`,
      '--feature-gates=APIServerIdentity=false,UnknownVersionInteroperabilityProxy=false',
      '--etcd-count-metric-poll-period=0',
      '--etcd-db-metric-poll-interval=0',
    ],
    env: { GOGC: '25' },
  };
}

async function upLight(
  clusters: { name: string; labels: Record<string, string> }[],
  paths: LocalFleetPaths,
  opts: DevUpOptions,
  progress: Progress,
): Promise<LocalCluster[]> {
  const apiserver = findTool('kube-apiserver');
  const logs = path.join(paths.dir, 'logs');
  fs.mkdirSync(logs, { recursive: true });
  let state: LocalFleetState = readState(paths) ?? { mode: LocalFleetMode.LIGHT, clusters: {} };
  const token = path.join(paths.dir, 'token');
  const saKey = path.join(paths.dir, 'sa.key');
  if (!fs.existsSync(token)) fs.writeFileSync(token, randomBytes(24).toString('hex'), { mode: 0o600 });
  if (!fs.existsSync(saKey)) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    fs.writeFileSync(saKey, privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
  }
  const tokenValue = fs.readFileSync(token, 'utf8');
  const tokensCsv = path.join(paths.dir, 'tokens.csv');
  fs.writeFileSync(tokensCsv, `${tokenValue},admin,admin,"system:masters"\n`, { mode: 0o600 });

  if (!state.etcd || !alive(state.etcd.pid)) {
    const etcd = findTool('etcd');
    const [client, peer] = [await freePort(), await freePort()];
    const url = `http://127.0.0.1:${client}`;
    const pid = startDetached(
      etcd,
      [
        '--name=fleet',
        `--data-dir=${path.join(paths.dir, 'etcd')}`,
        `--listen-client-urls=${url}`,
        `--advertise-client-urls=${url}`,
        `--listen-peer-urls=http://127.0.0.1:${peer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
        `--initial-cluster=fleet=http://127.0.0.1:${peer}`,
        '--quota-backend-bytes=8589934592',
        '--auto-compaction-retention=1',
        '--unsafe-no-fsync',
      ],
      path.join(logs, 'etcd.log'),
    );
    state = { ...state, etcd: { pid, url } };
    writeState(paths, state);
    progress(`etcd: started at ${url}`);
  }
  const etcdUrl = (state.etcd as { url: string }).url;
  const lean = opts.lean === false ? { args: [], env: {} } : leanApiserverSettings();
  await inBatches(clusters, opts.parallel ?? 4, async (c) => {
    const kubeconfig = path.join(kubeconfigDirOf(paths), `${c.name}.kubeconfig`);
    const known = state.clusters[c.name];
    if (known && known.pids.every(alive) && fs.existsSync(kubeconfig) && (await isHealthy(readKubeconfig(kubeconfig)))) {
      progress(`cluster ${c.name}: already running at ${known.server}`);
      return;
    }
    for (const pid of known?.pids ?? []) if (alive(pid)) process.kill(pid, 'SIGKILL');
    const started = Date.now();
    const port = await freePort();
    const certDir = path.join(paths.dir, 'pki', c.name);
    fs.mkdirSync(certDir, { recursive: true });
    const log = path.join(logs, `${c.name}.log`);
    const pid = startDetached(
      apiserver,
      [
        `--etcd-servers=${etcdUrl}`,
        `--etcd-prefix=/clusters/${c.name}/registry`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${port}`,
        `--cert-dir=${certDir}`,
        `--token-auth-file=${tokensCsv}`,
        '--authorization-mode=RBAC',
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${saKey}`,
        `--service-account-signing-key-file=${saKey}`,
        '--service-cluster-ip-range=10.96.0.0/16',
        '--endpoint-reconciler-type=none',
        '--allow-privileged=true',
        '--enable-priority-and-fairness=false',
        '--profiling=false',
        '--watch-cache=false',
        ...lean.args,
      ],
      log,
      { ...process.env, ...lean.env },
    );
    const server = `https://127.0.0.1:${port}`;
    fs.writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        `current-context: ${c.name}`,
        'clusters:',
        `- name: ${c.name}`,
        '  cluster:',
        `    server: ${server}`,
        '    insecure-skip-tls-verify: true',
        'contexts:',
        `- name: ${c.name}`,
        '  context:',
        `    cluster: ${c.name}`,
        '    user: admin',
        'users:',
        '- name: admin',
        '  user:',
        `    token: ${tokenValue}`,
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    state.clusters[c.name] = { name: c.name, server, kubeconfig, pids: [pid] };
    writeState(paths, state);
    await waitHealthy(c.name, kubeconfig, 180_000, log);
    progress(`cluster ${c.name}: healthy at ${server} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
  });
  return Object.values(state.clusters).sort((a, b) => byteOrder(a.name, b.name));
}

/** A cluster's health, for `dev status`. */
export interface LocalClusterHealth {
  /** Cluster name. */
  readonly name: string;
  /** API server URL. */
  readonly server: string;
  /** Kubeconfig file. */
  readonly kubeconfig: string;
  /** Whether `/readyz` answers 200. */
  readonly healthy: boolean;
}

/** The local fleet's clusters and their health. */
export async function devStatus(paths: LocalFleetPaths): Promise<{ mode?: LocalFleetMode; clusters: LocalClusterHealth[] }> {
  const state = readState(paths);
  if (!state) return { clusters: [] };
  const clusters = await Promise.all(
    Object.values(state.clusters)
      .sort((a, b) => byteOrder(a.name, b.name))
      .map(async (c) => ({
        name: c.name,
        server: c.server,
        kubeconfig: c.kubeconfig,
        healthy: fs.existsSync(c.kubeconfig) && (await isHealthy(readKubeconfig(c.kubeconfig))),
      })),
  );
  return { mode: state.mode, clusters };
}

/** What `dev up` creates in the local fleet's folder: `dev down` removes these and nothing else. */
export const LOCAL_FLEET_ENTRIES: readonly string[] = [
  'state.json',
  'kubeconfigs',
  'kwok',
  'kwok.yaml',
  'logs',
  'token',
  'sa.key',
  'tokens.csv',
  'etcd',
  'pki',
];

/** Removes what `dev up` created in the folder, then the folder itself if nothing else is left. */
function removeLocalFleetFiles(paths: LocalFleetPaths): void {
  for (const entry of LOCAL_FLEET_ENTRIES) fs.rmSync(path.join(paths.dir, entry), { recursive: true, force: true });
  if (fs.existsSync(paths.dir) && fs.readdirSync(paths.dir).length === 0) fs.rmdirSync(paths.dir);
}

/**
 * Stops every process the local fleet started and removes the files `dev up` created (see
 * {@link LOCAL_FLEET_ENTRIES}); anything else in the folder is left alone. Without a local fleet
 * (no state file) nothing is touched.
 *
 * @returns the number of clusters removed, or undefined when there was no local fleet
 */
export async function devDown(paths: LocalFleetPaths, progress: Progress): Promise<number | undefined> {
  const state = readState(paths);
  if (!state) return undefined;
  const names = Object.keys(state.clusters).sort(byteOrder);
  if (state.mode === LocalFleetMode.FULL) {
    const kwokctl = findTool('kwokctl');
    for (const name of names) {
      await runOk(`deleting cluster '${name}'`, kwokctl, ['--name', name, 'delete', 'cluster'], { env: kwokEnv(paths) }).catch((e: Error) =>
        progress(`cluster ${name}: ${e.message}`),
      );
      progress(`cluster ${name}: deleted`);
    }
  }
  const pids = [...Object.values(state.clusters).flatMap((c) => c.pids), ...(state.etcd ? [state.etcd.pid] : [])];
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 5_000;
  while (pids.some(alive) && Date.now() < deadline) await sleep(200);
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  const killDeadline = Date.now() + 5_000;
  while (pids.some(alive) && Date.now() < killDeadline) await sleep(100);
  const stuck = pids.filter(alive);
  if (stuck.length > 0) progress(`processes ${stuck.join(', ')} did not stop; kill them by hand`);
  removeLocalFleetFiles(paths);
  return names.length;
}
