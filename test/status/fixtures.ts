/**
 * A realistic live status for the status page tests: 2 regions, 5 clusters, 3 cluster groups,
 * 4 bundles; one unreachable cluster, one NotReady cell (an unschedulable pod), one Modified cell
 * (replicas scaled by hand, and a Secret edited), one Modified cell with a Missing object.
 */
import { STATE_RANK, worstState, type BundleState } from '../../src/model/states';
import type {
  FleetLiveStatus,
  LiveBundleStatus,
  LiveBundleSummary,
  LiveClusterStatus,
  ObjectStatus,
  Rollup,
} from '../../src/status/schema';

export const OBSERVED_AT = '2026-05-14T09:41:07.000Z';

export const NOT_READY_MESSAGE =
  '0/2 replicas available; pod web-7d4b9c-x2x: Unschedulable: 0/1 nodes are available: 1 node(s) were unschedulable';

export const UNREACHABLE_ERROR = 'Get "https://10.20.0.12:6443/version": dial tcp 10.20.0.12:6443: connect: connection refused';

/** A cluster of the fixture, before its roll-up. */
interface ClusterSpec {
  readonly region: string;
  readonly groups: readonly string[];
  readonly partition?: string;
  readonly error?: string;
  readonly bundles: Readonly<Record<string, LiveBundleStatus>>;
  readonly orphaned?: readonly ObjectStatus[];
}

const ready = (objects: number): LiveBundleStatus => ({ state: 'Ready', desiredObjects: objects, readyObjects: objects, nonReady: [] });
const unknown = (objects: number): LiveBundleStatus => ({ state: 'Unknown', desiredObjects: objects, readyObjects: 0, nonReady: [] });

export const WEB_NOT_READY: LiveBundleStatus = {
  state: 'NotReady',
  desiredObjects: 4,
  readyObjects: 3,
  nonReady: [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'web',
      name: 'web',
      state: 'NotReady',
      message: NOT_READY_MESSAGE,
    },
  ],
};

export const PAYMENTS_MODIFIED: LiveBundleStatus = {
  state: 'Modified',
  desiredObjects: 5,
  readyObjects: 3,
  nonReady: [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'payments',
      name: 'payments-api',
      state: 'Modified',
      message: 'spec.replicas changed on the cluster by kubectl-scale',
      fields: [{ path: 'spec.replicas', desired: 3, live: 5, manager: 'kubectl-scale' }],
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: 'payments',
      name: 'payments-db',
      state: 'Modified',
      message: 'data.password changed on the cluster by kubectl-edit',
      fields: [{ path: 'data.password', manager: 'kubectl-edit' }],
    },
  ],
};

export const MONITORING_MISSING: LiveBundleStatus = {
  state: 'Modified',
  desiredObjects: 6,
  readyObjects: 5,
  nonReady: [
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      namespace: 'monitoring',
      name: 'node-alerts',
      state: 'Missing',
      message: 'not found on the cluster',
    },
  ],
};

const CLUSTERS: Readonly<Record<string, ClusterSpec>> = {
  'west-1': {
    region: 'us-west',
    groups: ['production', 'edge'],
    partition: 'canary',
    bundles: { ingress: ready(7), monitoring: ready(6), payments: ready(5), web: ready(4) },
  },
  'west-2': {
    region: 'us-west',
    groups: ['production'],
    bundles: { ingress: ready(7), monitoring: ready(6), payments: ready(5), web: WEB_NOT_READY },
  },
  'west-3': {
    region: 'us-west',
    groups: ['staging'],
    bundles: { ingress: ready(7), monitoring: MONITORING_MISSING, web: ready(4) },
  },
  'eu-1': {
    region: 'eu-central',
    groups: ['production', 'edge'],
    bundles: { ingress: ready(7), monitoring: ready(6), payments: PAYMENTS_MODIFIED, web: ready(4) },
  },
  'eu-2': {
    region: 'eu-central',
    groups: ['staging', 'edge'],
    error: UNREACHABLE_ERROR,
    bundles: { ingress: unknown(7), monitoring: unknown(6), web: unknown(4) },
  },
};

function rollup(clusters: Readonly<Record<string, LiveClusterStatus>>, names: readonly string[]): Rollup {
  const counts: Partial<Record<BundleState, number>> = {};
  for (const name of names) for (const b of Object.values(clusters[name].bundles)) counts[b.state] = (counts[b.state] ?? 0) + 1;
  return {
    state: worstState(names.map((n) => clusters[n].state)),
    clusters: [...names],
    readyClusters: names.filter((n) => clusters[n].state === 'Ready').length,
    unreachableClusters: names.filter((n) => !clusters[n].reachable).length,
    counts,
  };
}

/** A live status built from cluster specs, with every roll-up computed as the status reader does. */
export function buildStatus(specs: Readonly<Record<string, ClusterSpec>>, fleet = 'edge-fleet'): FleetLiveStatus {
  const clusters: Record<string, LiveClusterStatus> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const reachable = spec.error === undefined;
    clusters[name] = {
      region: spec.region,
      groups: spec.groups,
      partition: spec.partition ?? '',
      reachable,
      ...(reachable ? {} : { error: spec.error }),
      state: reachable ? worstState(Object.values(spec.bundles).map((b) => b.state)) : 'Unknown',
      observedAt: OBSERVED_AT,
      durationMs: reachable ? 180 : 5000,
      bundles: spec.bundles,
      orphaned: spec.orphaned ?? [],
    };
  }
  const names = Object.keys(clusters).sort();
  const by = (key: (c: LiveClusterStatus) => readonly string[]): Record<string, Rollup> => {
    const out: Record<string, Rollup> = {};
    for (const value of [...new Set(names.flatMap((n) => key(clusters[n])))].sort()) {
      out[value] = rollup(
        clusters,
        names.filter((n) => key(clusters[n]).includes(value)),
      );
    }
    return out;
  };
  const bundles: Record<string, LiveBundleSummary> = {};
  for (const bundle of [...new Set(names.flatMap((n) => Object.keys(clusters[n].bundles)))].sort()) {
    const states = names.filter((n) => clusters[n].bundles[bundle]).map((n) => clusters[n].bundles[bundle].state);
    const counts: Partial<Record<BundleState, number>> = {};
    for (const s of states) counts[s] = (counts[s] ?? 0) + 1;
    const readyClusters = states.filter((s) => s === 'Ready').length;
    bundles[bundle] = {
      desiredClusters: states.length,
      readyClusters,
      display: `${readyClusters}/${states.length}`,
      state: states.reduce<BundleState>((w, s) => (STATE_RANK[s] > STATE_RANK[w] ? s : w), 'Ready'),
      counts,
    };
  }
  return {
    schemaVersion: 1,
    kind: 'FleetLiveStatus',
    fleet,
    observedAt: OBSERVED_AT,
    regions: by((c) => [c.region]),
    groups: by((c) => c.groups),
    summary: rollup(clusters, names),
    clusters,
    bundles,
  };
}

/** The fixture: us-west (west-1..3) and eu-central (eu-1, eu-2 unreachable); groups production, staging, edge. */
export function fleetStatus(): FleetLiveStatus {
  return buildStatus(CLUSTERS);
}

/** The fixture after `web` became Ready on west-2. */
export function fleetStatusRecovered(): FleetLiveStatus {
  return buildStatus({ ...CLUSTERS, 'west-2': { ...CLUSTERS['west-2'], bundles: { ...CLUSTERS['west-2'].bundles, web: ready(4) } } });
}

export const HOSTILE = '<img src=x onerror=alert(1)>';

/** The fixture with hostile names and messages everywhere text is shown. */
export function hostileStatus(): FleetLiveStatus {
  const hostileCell: LiveBundleStatus = {
    state: 'NotReady',
    desiredObjects: 2,
    readyObjects: 1,
    nonReady: [
      {
        apiVersion: 'v1',
        kind: `Pod${HOSTILE}`,
        namespace: `ns-${HOSTILE}`,
        name: HOSTILE,
        state: 'NotReady',
        message: `</script><script>alert(2)</script> ${HOSTILE} <!-- \u2028`,
      },
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: 'x',
        name: 'settings',
        state: 'WaitApplied',
        message: 'the fleet wants other values',
        fields: [{ path: `data["${HOSTILE}"]`, desired: HOSTILE, live: { nested: '</script>' } }],
      },
    ],
  };
  return buildStatus(
    {
      [`c-${HOSTILE}`]: {
        region: `r-${HOSTILE}`,
        groups: [`g-${HOSTILE}`],
        bundles: { [`b-${HOSTILE}`]: hostileCell },
      },
      'down-1': { region: 'r', groups: ['g'], error: `dial: ${HOSTILE}`, bundles: { [`b-${HOSTILE}`]: unknown(2) } },
    },
    `fleet-${HOSTILE}`,
  );
}
