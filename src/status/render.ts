/**
 * The live status as text for a terminal: the bundle × cluster table of Fleet states with each
 * bundle's `ready/desired`, the roll-ups per region and cluster group, then every object that is not
 * Ready and why, the unreachable clusters and the orphans.
 */
import Table from 'cli-table3';
import { qualifiedName } from '../model/identity';
import type { FieldDrift, FleetLiveStatus, ObjectStatus, Rollup } from './schema';

const short = (v: unknown): string => {
  const text = JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

/** `spec.replicas 3 → 5 (by kubectl-scale)`; Secret values show as `(value hidden)`. */
export function describeField(f: FieldDrift): string {
  const values =
    f.desired === undefined && f.live === undefined
      ? ' (value hidden)'
      : ` ${f.desired === undefined ? '(unset)' : short(f.desired)} → ${f.live === undefined ? '(unset)' : short(f.live)}`;
  return `${f.path}${values}${f.manager ? ` (by ${f.manager})` : ''}`;
}

function describeObject(o: ObjectStatus): string {
  const fields = o.fields && o.fields.length > 0 ? `\n${o.fields.map((f) => `        ${describeField(f)}`).join('\n')}` : '';
  return `      ${o.state.padEnd(11)} ${o.kind} ${qualifiedName(o.namespace, o.name)}: ${o.message}${fields}`;
}

function rollupLine(name: string, r: Rollup): string {
  const unreachable = r.unreachableClusters > 0 ? `, ${r.unreachableClusters} unreachable` : '';
  return `  ${name.padEnd(16)} ${r.state.padEnd(11)} ${r.readyClusters}/${r.clusters.length} clusters Ready${unreachable}`;
}

/** The bundle × cluster table of states (`-` where a bundle is not desired), with `ready/desired`. */
export function liveStatusTable(status: FleetLiveStatus): string {
  const clusters = Object.keys(status.clusters);
  const table = new Table({ head: ['bundle', ...clusters, 'ready'], style: { head: [], border: [] } });
  for (const [name, b] of Object.entries(status.bundles)) {
    table.push([name, ...clusters.map((c) => status.clusters[c].bundles[name]?.state ?? '-'), b.display]);
  }
  return table.toString();
}

/** The whole report. */
export function renderLiveStatus(status: FleetLiveStatus): string {
  const s = status.summary;
  const lines = [
    `fleet ${status.fleet}: ${s.state} — ${s.readyClusters}/${s.clusters.length} clusters Ready` +
      `${s.unreachableClusters > 0 ? `, ${s.unreachableClusters} unreachable` : ''} (read ${status.observedAt})`,
    '',
    liveStatusTable(status),
    '',
    'regions:',
    ...Object.entries(status.regions).map(([n, r]) => rollupLine(n, r)),
  ];
  if (Object.keys(status.groups).length > 0)
    lines.push('cluster groups:', ...Object.entries(status.groups).map(([n, r]) => rollupLine(n, r)));
  const problems: string[] = [];
  for (const [name, c] of Object.entries(status.clusters)) {
    if (!c.reachable) {
      problems.push(`  ${name}: unreachable: ${c.error ?? 'unknown error'}`);
      continue;
    }
    for (const [bundle, b] of Object.entries(c.bundles)) {
      if (b.nonReady.length === 0 && b.state === 'Ready') continue;
      problems.push(
        `  ${name} / ${bundle}: ${b.state} (${b.readyObjects}/${b.desiredObjects} objects Ready)`,
        ...b.nonReady.map(describeObject),
      );
    }
    if (c.orphaned.length > 0) problems.push(`  ${name}: objects of bundles no longer on this cluster`, ...c.orphaned.map(describeObject));
  }
  lines.push('', problems.length === 0 ? 'every desired object is on its cluster and Ready' : 'not Ready:', ...problems);
  return `${lines.join('\n')}\n`;
}
