/**
 * Objects an interrupted run created that nobody tracks and nobody wants any more.
 *
 * A run killed outright before it wrote its state (deploy/journal.ts) may have created objects the
 * state does not know. The next run applies again those the fleet still wants, and server-side
 * apply adopts them. Those the fleet no longer wants (the fleet changed between the two runs) would
 * stay on their clusters unknown to the state, where Pulumi would have deleted them had the state
 * recorded them. This module finds and deletes exactly those: objects labelled with the fleet and
 * the cluster, applied by fleetwright's field manager, created after the interrupted run started,
 * neither in the state nor wanted by the fleet. Anything else is left alone; a namespace is never
 * deleted (it may hold objects of others), only reported.
 */
import pLimit from 'p-limit';
import { apiGroup, objectKey, parseResourceName, qualifiedKind, qualifiedName } from '../model/identity';
import { FIELD_MANAGER, KubeObject } from '../model/objects';
import { KindRef, kindsOf, observeCluster } from '../status/read';
import type { SynthesizedCluster } from '../synth/synth';
import { resourceName } from './events';
import type { ExportedState } from './state';

/** How far an object's creation may lie before the run's recorded start (clocks of the runner and the API server differ). */
export const CLOCK_SKEW_MS = 60_000;

/** Clusters swept at once. */
const CLUSTERS_AT_ONCE = 8;

/** A cluster to sweep. */
export interface SweepTarget {
  /** The cluster, as the fleet synthesizes it now. */
  readonly cluster: SynthesizedCluster;
  /** Its kubeconfig (YAML). Never printed. */
  readonly kubeconfig: string;
}

/** What a sweep found. */
export interface SweepResult {
  /** Deleted: `Kind.group namespace/name on cluster`. */
  readonly deleted: readonly string[];
  /** Namespaces the interrupted run created that the fleet no longer wants, left in place. */
  readonly namespaces: readonly string[];
  /** Clusters that could not be read or cleaned, with why. */
  readonly failed: readonly string[];
}

/** `cluster` + {@link objectKey}: an object's identity across a region. */
const keyOf = (cluster: string, key: string): string => `${cluster}\u0000${key}`;

/** The Kubernetes objects a state tracks, as {@link keyOf} keys. */
export function trackedObjects(state: ExportedState): Set<string> {
  const out = new Set<string>();
  for (const r of state.deployment?.resources ?? []) {
    if (!r.type.startsWith('kubernetes:')) continue;
    const id = parseResourceName(resourceName(r.urn));
    if (id) out.add(keyOf(id.cluster, `${qualifiedKind(id.kind, id.group)} ${qualifiedName(id.namespace, id.name)}`));
  }
  return out;
}

/** The kinds a state tracks (`kubernetes:apps/v1:Deployment` → `apps/v1` `Deployment`). */
export function trackedKinds(state: ExportedState): KindRef[] {
  const out = new Map<string, KindRef>();
  for (const r of state.deployment?.resources ?? []) {
    const m = /^kubernetes:([^:]+):(.+)$/.exec(r.type);
    if (!m) continue;
    const apiVersion = m[1].startsWith('core/') ? m[1].slice('core/'.length) : m[1];
    out.set(`${apiVersion} ${m[2]}`, { apiVersion, kind: m[2] });
  }
  return [...out.values()];
}

/** The objects the fleet wants on the clusters (namespaces included), as {@link keyOf} keys. */
export function wantedObjects(clusters: readonly SynthesizedCluster[]): Set<string> {
  const out = new Set<string>();
  for (const c of clusters) {
    for (const o of [...c.namespaces, ...c.bundles.flatMap((b) => b.objects)]) {
      out.add(
        keyOf(
          c.name,
          objectKey({ apiVersion: o.id.apiVersion, kind: o.id.kind, metadata: { name: o.id.name, namespace: o.id.namespace } }),
        ),
      );
    }
  }
  return out;
}

/** Whether fleetwright's field manager applied the object (server-side apply). */
function appliedByFleetwright(obj: KubeObject): boolean {
  const fields = (obj.metadata.managedFields ?? []) as { manager?: string; operation?: string }[];
  return fields.some((f) => f.manager === FIELD_MANAGER && f.operation === 'Apply');
}

/**
 * Which of a cluster's labelled objects the interrupted run left behind: created by fleetwright
 * after `since` (less {@link CLOCK_SKEW_MS}), neither tracked nor wanted.
 */
export function leftBehind(
  cluster: string,
  objects: readonly KubeObject[],
  opts: { readonly since: string; readonly tracked: ReadonlySet<string>; readonly wanted: ReadonlySet<string> },
): KubeObject[] {
  const since = Date.parse(opts.since) - CLOCK_SKEW_MS;
  return objects.filter((o) => {
    const key = keyOf(cluster, objectKey(o));
    if (opts.tracked.has(key) || opts.wanted.has(key)) return false;
    const created = Date.parse(String(o.metadata.creationTimestamp ?? ''));
    return !Number.isNaN(since) && !Number.isNaN(created) && created >= since && appliedByFleetwright(o);
  });
}

/**
 * Deletes what an interrupted run that started at `since` left behind on the clusters (see the
 * module's description). Every cluster is swept; those that fail are reported, not thrown.
 */
export async function removeLeftovers(
  targets: readonly SweepTarget[],
  opts: {
    readonly fleet: string;
    readonly since: string;
    readonly tracked: ReadonlySet<string>;
    readonly wanted: ReadonlySet<string>;
    /** Kinds to look through besides the clusters' own and the common ones (those the state tracks). */
    readonly kinds: readonly KindRef[];
  },
): Promise<SweepResult> {
  const deleted: string[] = [];
  const namespaces: string[] = [];
  const failed: string[] = [];
  const client = await import('@kubernetes/client-node');
  const limit = pLimit(CLUSTERS_AT_ONCE);
  // Every kind the region deploys now, or the state holds: a kind only the interrupted run
  // deployed, and no longer wanted by anyone, is not looked for.
  const kinds = [...kindsOf(targets.map((t) => t.cluster)), ...opts.kinds];
  await Promise.all(
    targets.map((t) =>
      limit(async () => {
        const name = t.cluster.name;
        const seen = await observeCluster(
          { cluster: t.cluster, kubeconfig: t.kubeconfig, partition: '' },
          { fleet: opts.fleet, manager: FIELD_MANAGER, kinds },
        );
        if (seen.error) {
          failed.push(`${name}: ${seen.error}`);
          return;
        }
        const kc = new client.KubeConfig();
        kc.loadFromString(t.kubeconfig);
        const api = client.KubernetesObjectApi.makeApiClient(kc);
        for (const o of leftBehind(name, seen.objects, opts)) {
          const what = `${qualifiedKind(o.kind, apiGroup(o.apiVersion))} ${qualifiedName(o.metadata.namespace, o.metadata.name)} on ${name}`;
          if (o.kind === 'Namespace' && apiGroup(o.apiVersion) === '') {
            namespaces.push(what);
            continue;
          }
          try {
            const spec = { apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name, namespace: o.metadata.namespace } };
            await api.delete(spec, undefined, undefined, undefined, undefined, 'Background');
            deleted.push(what);
          } catch (e) {
            const code = (e as { code?: number }).code;
            if (code === 404) continue; // gone already
            failed.push(`${name}: deleting ${what}: ${(e as Error).message.split('\n')[0]}`);
          }
        }
      }),
    ),
  );
  return { deleted: deleted.sort(), namespaces: namespaces.sort(), failed: failed.sort() };
}
