/**
 * Reads what runs on the clusters: every cluster in parallel (bounded), each with a deadline, one
 * LIST per kind with fleetwright's labels (never one GET per object), plus the Pods of workloads
 * that are not ready (for the reason). Kubeconfigs are parsed and authenticated by the official
 * client, `@kubernetes/client-node` (`KubeConfig`: client certificates, tokens, exec plugins); the
 * LISTs go through Node's HTTPS client with the options it produces, so objects arrive as the API
 * server sent them (the client's typed models would turn timestamps into Dates and drop fields they
 * do not know, which the drift check must see).
 *
 * `@kubernetes/client-node` is an ES module: it is loaded on first use (Node ≥ 22 `require`s it).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import pLimit from 'p-limit';
import { apiGroup, objectKey, qualifiedKind } from '../model/identity';
import type { KubeObject } from '../model/objects';
import { redactText, registerKubeconfig } from '../model/redaction';
import { byteOrder } from '../model/names';
import { UsageError } from '../project/errors';
import { CLUSTER_LABEL, FLEET_LABEL } from '../synth/synth';
import type { SynthesizedCluster } from '../synth/synth';
import { ClusterObservation, clusterStatus, fleetStatus, notReadyWorkloads } from './assess';
import { podsOf } from './readiness';
import type { FleetLiveStatus, LiveClusterStatus } from './schema';

/** A kind to LIST. */
export interface KindRef {
  /** `group/version` or `v1`. */
  readonly apiVersion: string;
  /** Kind. */
  readonly kind: string;
}

/**
 * Kinds listed on every cluster besides the kinds the fleet deploys (the `kinds` option and the
 * cluster's own), so objects left behind by removed bundles are found (Orphaned). Each kind costs
 * one LIST per cluster, so the list is short: what nearly every bundle holds.
 */
export const COMMON_KINDS: readonly KindRef[] = [
  { apiVersion: 'v1', kind: 'Namespace' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Secret' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
];

/** One cluster to read. */
export interface ClusterReadTarget {
  /** What should run there. */
  readonly cluster: SynthesizedCluster;
  /** Its kubeconfig (YAML). Never printed. */
  readonly kubeconfig: string;
  /** Its rollout partition ('' when none matches it). */
  readonly partition: string;
}

/** Options of {@link readFleetStatus}. */
export interface ReadOptions {
  /** The fleet's name (its objects carry it in `fleetwright.io/fleet`). */
  readonly fleet: string;
  /** fleetwright's server-side apply field manager. */
  readonly manager: string;
  /**
   * Clusters read at once.
   *
   * @default 16
   */
  readonly concurrency?: number;
  /**
   * How long one cluster may take before it is reported unreachable, in milliseconds.
   *
   * @default 10000
   */
  readonly timeoutMs?: number;
  /**
   * More kinds to list on every cluster (e.g. every kind the fleet deploys anywhere).
   *
   * @default []
   */
  readonly kinds?: readonly KindRef[];
}

/** The API path of a group-version: `/api/v1`, `/apis/apps/v1`. */
const apiBase = (apiVersion: string): string => (apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`);

/** LISTs running at once against one cluster. */
const PER_CLUSTER_REQUESTS = 6;
/** Pods fetched for at most this many not-ready workloads per cluster. */
const MAX_POD_LOOKUPS = 20;

type KubeClient = typeof import('@kubernetes/client-node');

/** The client module, loaded once (it is an ES module and takes a moment to load). */
let clientModule: Promise<KubeClient> | undefined;
function loadClient(): Promise<KubeClient> {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 19)) {
    throw new UsageError(
      `reading clusters needs Node.js 22.19 or newer (this is ${process.version}); use the toolchain's (\`source toolchain/env.sh\` or \`eval "$(npx fleetwright env)"\`) or install one`,
    );
  }
  return (clientModule ??= import('@kubernetes/client-node'));
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Asks for aggregated discovery (one document for every group), falling back to the legacy lists. */
const AGGREGATED_DISCOVERY =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

interface AggregatedDiscovery {
  readonly kind?: string;
  readonly items?: {
    readonly metadata?: { readonly name?: string };
    readonly versions?: {
      readonly version: string;
      readonly resources?: { readonly resource: string; readonly scope?: string; readonly responseKind?: { readonly kind?: string } }[];
    }[];
  }[];
}

interface Resource {
  readonly plural: string;
  readonly namespaced: boolean;
}

/** A connection to one cluster's API server, authenticated by `@kubernetes/client-node`. */
class ClusterConnection {
  private readonly discovery = new Map<string, Promise<Map<string, Resource>>>();
  private aggregatedDiscovery: Promise<Map<string, Map<string, Resource>> | undefined> | undefined;

  private constructor(
    private readonly server: URL,
    private readonly options: https.RequestOptions,
    private readonly signal: AbortSignal,
  ) {}

  static async open(client: KubeClient, kubeconfig: string, signal: AbortSignal): Promise<ClusterConnection> {
    const kc = new client.KubeConfig();
    kc.loadFromString(kubeconfig);
    const cluster = kc.getCurrentCluster();
    if (!cluster?.server) throw new Error('the kubeconfig has no current cluster with a server URL');
    const options: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(options);
    if (!cluster.proxyUrl) {
      // The client's agent opens a connection (and a TLS handshake) per request; one cluster's
      // LISTs share a few kept-alive connections instead.
      (options.agent as http.Agent | undefined)?.destroy();
      const { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername } = options;
      const tls = { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername, keepAlive: true, maxSockets: PER_CLUSTER_REQUESTS };
      options.agent = cluster.server.startsWith('http:') ? new http.Agent(tls) : new https.Agent(tls);
    }
    return new ClusterConnection(new URL(cluster.server), options, signal);
  }

  close(): void {
    (this.options.agent as http.Agent | undefined)?.destroy();
  }

  async get<T>(path: string, accept = 'application/json'): Promise<T> {
    const url = new URL(this.server.pathname.replace(/\/$/, '') + path, this.server);
    const transport = url.protocol === 'http:' ? http : https;
    return new Promise<T>((resolve, reject) => {
      const req = transport.request(
        url,
        {
          ...this.options,
          method: 'GET',
          signal: this.signal,
          headers: { ...this.options.headers, Accept: accept },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8');
            if ((res.statusCode ?? 0) >= 300) {
              let message = body.slice(0, 300);
              try {
                message = (JSON.parse(body) as { message?: string }).message ?? message;
              } catch {
                // not JSON: keep the text
              }
              reject(new HttpError(res.statusCode ?? 0, `${res.statusCode} ${message}`));
              return;
            }
            try {
              resolve(JSON.parse(body) as T);
            } catch (e) {
              reject(e as Error);
            }
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  /**
   * Every served resource by `apiVersion` and kind, from aggregated discovery (two requests:
   * `/api` and `/apis`, Kubernetes ≥ 1.30), or undefined when the server does not offer it.
   */
  private aggregated(): Promise<Map<string, Map<string, Resource>> | undefined> {
    this.aggregatedDiscovery ??= Promise.all(['/api', '/apis'].map((p) => this.get<AggregatedDiscovery>(p, AGGREGATED_DISCOVERY))).then(
      (lists) => {
        if (lists.some((l) => l.kind !== 'APIGroupDiscoveryList')) return undefined;
        const out = new Map<string, Map<string, Resource>>();
        for (const group of lists.flatMap((l) => l.items ?? [])) {
          for (const v of group.versions ?? []) {
            const apiVersion = group.metadata?.name ? `${group.metadata.name}/${v.version}` : v.version;
            const kinds = new Map<string, Resource>();
            for (const r of v.resources ?? []) {
              if (r.responseKind?.kind) kinds.set(r.responseKind.kind, { plural: r.resource, namespaced: r.scope === 'Namespaced' });
            }
            out.set(apiVersion, kinds);
          }
        }
        return out;
      },
      () => undefined,
    );
    return this.aggregatedDiscovery;
  }

  /** The resources of a group-version (aggregated discovery, else one request per group-version; cached). */
  private async resources(apiVersion: string): Promise<Map<string, Resource>> {
    const all = await this.aggregated();
    if (all) return all.get(apiVersion) ?? new Map<string, Resource>();
    let found = this.discovery.get(apiVersion);
    if (!found) {
      found = this.get<{ resources?: { name: string; kind: string; namespaced: boolean }[] }>(apiBase(apiVersion)).then(
        (list) =>
          new Map(
            (list.resources ?? []).filter((r) => !r.name.includes('/')).map((r) => [r.kind, { plural: r.name, namespaced: r.namespaced }]),
          ),
        (e: unknown) => {
          if (e instanceof HttpError && e.status === 404) return new Map<string, Resource>();
          throw e;
        },
      );
      this.discovery.set(apiVersion, found);
    }
    return found;
  }

  /** Every object of a kind matching the label selector (all namespaces, or one). */
  async list(ref: KindRef, labelSelector: string, namespace?: string): Promise<KubeObject[]> {
    const resource = (await this.resources(ref.apiVersion)).get(ref.kind);
    if (!resource) return []; // the API server does not serve this kind: nothing of it can be there
    const scope = namespace && resource.namespaced ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    const out: KubeObject[] = [];
    let token: string | undefined;
    do {
      const query = new URLSearchParams({ labelSelector, limit: '500', ...(token ? { continue: token } : {}) });
      let page: { items?: KubeObject[]; metadata?: { continue?: string } };
      try {
        page = await this.get(`${apiBase(ref.apiVersion)}${scope}/${resource.plural}?${query.toString()}`);
      } catch (e) {
        if (e instanceof HttpError && e.status === 403) {
          throw new Error(
            `not allowed to list ${qualifiedKind(ref.kind, apiGroup(ref.apiVersion))} (${e.message}); grant the kubeconfig's user list on it`,
          );
        }
        throw e;
      }
      // Items of a LIST carry no apiVersion/kind of their own.
      for (const item of page.items ?? []) out.push({ ...item, apiVersion: ref.apiVersion, kind: ref.kind });
      token = page.metadata?.continue || undefined;
    } while (token);
    return out;
  }
}

/** The distinct kinds of the clusters' desired objects (their namespaces too), sorted. */
export function kindsOf(clusters: readonly SynthesizedCluster[]): KindRef[] {
  return uniqueKinds(clusters.flatMap((c) => [...c.namespaces, ...c.bundles.flatMap((b) => b.objects)].map((o) => o.id)));
}

function uniqueKinds(kinds: readonly KindRef[]): KindRef[] {
  const unique = new Map<string, KindRef>();
  for (const k of kinds) unique.set(`${k.apiVersion} ${k.kind}`, { apiVersion: k.apiVersion, kind: k.kind });
  return [...unique.values()].sort((a, b) => byteOrder(`${a.apiVersion} ${a.kind}`, `${b.apiVersion} ${b.kind}`));
}

function kindsFor(cluster: SynthesizedCluster, extra: readonly KindRef[]): KindRef[] {
  return uniqueKinds([...COMMON_KINDS, ...extra, ...kindsOf([cluster])]);
}

function describeError(e: unknown, timeoutMs: number, signal: AbortSignal): string {
  if (signal.aborted) return `no answer within ${timeoutMs / 1000} s`;
  const err = e as NodeJS.ErrnoException;
  const text = err.code && !err.message.includes(err.code) ? `${err.code}: ${err.message}` : err.message;
  return redactText(text || String(e));
}

/**
 * Reads one cluster: the labelled objects of every kind it may hold, then the Pods of its workloads
 * that are not ready. Never throws: an unreachable cluster (or a Node.js too old for the client)
 * comes back with `error` set.
 */
export async function observeCluster(target: ClusterReadTarget, options: ReadOptions): Promise<ClusterObservation> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  registerKubeconfig(target.kubeconfig);
  let client: KubeClient;
  try {
    client = await loadClient();
  } catch (e) {
    return { observedAt: new Date().toISOString(), durationMs: 0, error: redactText((e as Error).message), objects: [] };
  }
  const started = Date.now();
  const observedAt = new Date(started).toISOString();
  const signal = AbortSignal.timeout(timeoutMs);
  let connection: ClusterConnection | undefined;
  try {
    connection = await ClusterConnection.open(client, target.kubeconfig, signal);
    const conn = connection;
    const selector = `${FLEET_LABEL}=${options.fleet},${CLUSTER_LABEL}=${target.cluster.name}`;
    const limit = pLimit(PER_CLUSTER_REQUESTS);
    const lists = await Promise.all(kindsFor(target.cluster, options.kinds ?? []).map((k) => limit(() => conn.list(k, selector))));
    const objects = lists.flat();
    const pods: Record<string, KubeObject[]> = {};
    const workloads = notReadyWorkloads(target.cluster, objects).slice(0, MAX_POD_LOOKUPS);
    await Promise.all(
      workloads.map((w) =>
        limit(async () => {
          const matchLabels = (w.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector?.matchLabels ?? {};
          const podSelector = Object.entries(matchLabels)
            .map(([k, v]) => `${k}=${v}`)
            .join(',');
          if (podSelector === '') return;
          pods[objectKey(w)] = podsOf(w, await conn.list({ apiVersion: 'v1', kind: 'Pod' }, podSelector, w.metadata.namespace));
        }),
      ),
    );
    return { observedAt, durationMs: Date.now() - started, objects, pods };
  } catch (e) {
    return { observedAt, durationMs: Date.now() - started, error: describeError(e, timeoutMs, signal), objects: [] };
  } finally {
    connection?.close();
  }
}

/**
 * Reads every cluster (at most `concurrency` at once) and rolls their states up into the fleet's
 * live status. Unreachable clusters are reported with their error; the others are still read.
 */
export async function readFleetStatus(targets: readonly ClusterReadTarget[], options: ReadOptions): Promise<FleetLiveStatus> {
  const observedAt = new Date().toISOString();
  await loadClient();
  const limit = pLimit(options.concurrency ?? 16);
  const statuses = await Promise.all(
    targets.map((t) =>
      limit(async (): Promise<[string, LiveClusterStatus]> => {
        const obs = await observeCluster(t, options);
        return [t.cluster.name, clusterStatus(t.cluster, obs, { partition: t.partition, manager: options.manager })];
      }),
    ),
  );
  return fleetStatus(options.fleet, observedAt, Object.fromEntries(statuses));
}
