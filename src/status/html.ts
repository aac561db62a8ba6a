/**
 * The status page: one self-contained HTML document (inline CSS and JavaScript, no network access,
 * no external assets) that shows a {@link FleetLiveStatus} as a bundle × cluster grid. The status is
 * embedded as JSON and rendered by the page's own script, so the dashboard (`serve.ts`) can fetch a
 * newer status and render it again in place. Without a `statusUrl` the page is static
 * (`fleetwright status --live --html FILE`).
 */
import { STATES_WORST_FIRST, type BundleState } from '../model/states';
import type { FleetLiveStatus, ObjectState } from './schema';

/** Options of {@link renderStatusPage}. */
export interface StatusPageOptions {
  /**
   * Seconds between two fetches of `statusUrl` (ignored without it). Fractions are allowed.
   * @default 10
   */
  readonly refreshSeconds?: number;
  /**
   * URL (same origin) of the live status JSON. When given, the page fetches it when it loads and
   * then every `refreshSeconds`, renders the grid again in place (keeping the filters and the open
   * details) and shows when it was updated or why the refresh failed. A URI-encoded
   * `X-Fleetwright-Error` response header is shown as the error of the server's last read.
   * Without it the page is static.
   * @default undefined
   */
  readonly statusUrl?: string;
}

/** The colours of a state: text on background, with a contrast ratio of at least 4.5:1 (WCAG AA). */
export interface StateStyle {
  /** Background colour (`#rrggbb`). */
  readonly background: string;
  /** Text colour (`#rrggbb`). */
  readonly text: string;
}

/**
 * The colours of every bundle and object state on the status page. Every cell also shows its state
 * as text, so colour is never the only signal.
 */
export const STATE_STYLES: Readonly<Record<BundleState | ObjectState, StateStyle>> = {
  Ready: { background: '#dcfce7', text: '#166534' },
  NotReady: { background: '#fde68a', text: '#78350f' },
  Pending: { background: '#bae6fd', text: '#0c4a6e' },
  OutOfSync: { background: '#ddd6fe', text: '#4c1d95' },
  Modified: { background: '#fed7aa', text: '#7c2d12' },
  WaitApplied: { background: '#a5f3fc', text: '#164e63' },
  ErrApplied: { background: '#fecaca', text: '#7f1d1d' },
  Unknown: { background: '#e5e7eb', text: '#1f2937' },
  Missing: { background: '#fecdd3', text: '#881337' },
  Orphaned: { background: '#fbcfe8', text: '#831843' },
};

/** What each bundle state means, for the legend (Fleet's meanings). */
const STATE_MEANING: Readonly<Record<BundleState, string>> = {
  Ready: 'deployed, every object ready',
  NotReady: 'deployed, some objects not ready yet',
  Pending: 'waiting to be deployed',
  OutOfSync: 'the cluster runs an older version of the bundle',
  Modified: 'objects changed or missing on the cluster',
  WaitApplied: 'the fleet wants new values: run up',
  ErrApplied: 'applying the bundle failed',
  Unknown: 'the cluster could not be read',
};

/** The Content-Security-Policy of the page (also sent as a header by the dashboard). */
export const STATUS_PAGE_CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'";

const DEFAULT_REFRESH_SECONDS = 10;

/** Escapes text for HTML content and double-quoted attribute values. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON for a `<script type="application/json">` element: no `<` so no value can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/**
 * Renders the live status as one self-contained HTML page: a header with the fleet's summary,
 * filters (region, cluster group, state, text), the bundle × cluster grid, a legend, the
 * unreachable clusters, and a details panel listing the non-ready objects of a clicked cell.
 * Every value from the status is inserted as text (never as markup).
 *
 * @param status - The live status to show (embedded as JSON in the page).
 * @param options - Live refresh of the page (see {@link StatusPageOptions}).
 * @returns The HTML document.
 */
export function renderStatusPage(status: FleetLiveStatus, options: StatusPageOptions = {}): string {
  const refreshSeconds = options.refreshSeconds ?? DEFAULT_REFRESH_SECONDS;
  if (!(refreshSeconds > 0) || !Number.isFinite(refreshSeconds)) {
    throw new RangeError(`refreshSeconds must be a positive number, got ${refreshSeconds}`);
  }
  const pageOptions = {
    statusUrl: options.statusUrl ?? null,
    refreshSeconds,
    states: STATES_WORST_FIRST,
  };
  const legend = STATES_WORST_FIRST.slice()
    .reverse()
    .map((s) => `<li><span class="badge st-${s}">${s}</span> <span>${escapeHtml(STATE_MEANING[s])}</span></li>`)
    .join('\n        ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(STATUS_PAGE_CSP)}">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(status.fleet)} · fleet status</title>
<style>
${PAGE_CSS}
${stateCss()}
</style>
</head>
<body>
<header class="top">
  <div class="title">
    <h1 id="fleet-name"></h1>
    <p class="meta" id="observed"></p>
  </div>
  <dl class="stats" id="stats"></dl>
  <ul class="counts" id="counts" aria-label="Bundle deployments per state"></ul>
</header>
<div id="read-error" class="banner" role="alert" hidden></div>
<main>
  <section class="filters" aria-label="Filters">
    <label>Region <select id="f-region"></select></label>
    <label>Cluster group <select id="f-group"></select></label>
    <label>State <select id="f-state"></select></label>
    <label class="search">Search <input id="f-text" type="search" placeholder="bundle, cluster or object name" autocomplete="off"></label>
    <button type="button" id="f-clear">Clear filters</button>
    <p id="showing" aria-live="polite"></p>
    <p id="refresh" aria-live="polite" hidden></p>
  </section>
  <div class="layout" id="layout">
    <div class="grid-wrap" id="grid-wrap"></div>
    <section id="details" aria-labelledby="details-title" tabindex="-1" hidden></section>
  </div>
  <div class="below">
    <section class="legend" aria-labelledby="legend-title">
      <h2 id="legend-title">Legend</h2>
      <ul>
        ${legend}
        <li><span class="badge none">-</span> <span>not desired on the cluster</span></li>
      </ul>
      <p class="hint">Cells show ready/desired objects. Select a cell for its objects.</p>
    </section>
    <section class="problems" id="unreachable-section" aria-labelledby="unreachable-title" hidden>
      <h2 id="unreachable-title">Unreachable clusters</h2>
      <ul id="unreachable"></ul>
    </section>
    <section class="problems" id="orphaned-section" aria-labelledby="orphaned-title" hidden>
      <h2 id="orphaned-title">Orphaned objects</h2>
      <ul id="orphaned"></ul>
    </section>
  </div>
</main>
<noscript><p class="banner">This page renders the status with JavaScript. The status itself is in the page source (element fleet-status).</p></noscript>
<script type="application/json" id="fleet-status">${scriptJson(status)}</script>
<script type="application/json" id="fleet-page-options">${scriptJson(pageOptions)}</script>
<script>
${PAGE_SCRIPT}
</script>
</body>
</html>
`;
}

/** The `.st-<State>` classes. */
function stateCss(): string {
  return Object.entries(STATE_STYLES)
    .map(([state, style]) => `.st-${state} { background: ${style.background}; color: ${style.text}; }`)
    .join('\n');
}

const PAGE_CSS = `
:root {
  --fg: #111827; --muted: #4b5563; --line: #d1d5db; --soft: #f3f4f6; --bg: #ffffff; --accent: #1d4ed8;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", system-ui, sans-serif;
  font-size: 15px; line-height: 1.45; color: var(--fg); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace; font-size: 0.9em; }
h1 { font-size: 1.5rem; margin: 0; }
h2 { font-size: 1.05rem; margin: 0 0 0.5rem; }
.top { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem 2rem; padding: 1rem 1.5rem; border-bottom: 1px solid var(--line); background: var(--soft); }
.top .meta { margin: 0.15rem 0 0; color: var(--muted); }
.stats { display: flex; gap: 1.5rem; margin: 0; }
.stats div { display: flex; flex-direction: column-reverse; }
.stats dt { color: var(--muted); font-size: 0.8rem; }
.stats dd { margin: 0; font-size: 1.3rem; font-weight: 600; }
.counts { display: flex; flex-wrap: wrap; gap: 0.4rem; list-style: none; margin: 0; padding: 0; }
.badge { display: inline-block; padding: 0.1rem 0.5rem; border-radius: 999px; font-size: 0.8rem; font-weight: 600; white-space: nowrap; }
.badge.none { background: var(--bg); color: var(--muted); border: 1px solid var(--line); }
.banner { margin: 0.75rem 1.5rem 0; padding: 0.6rem 0.9rem; border: 1px solid #fca5a5; border-radius: 6px; background: #fef2f2; color: #7f1d1d; }
main { padding: 0.75rem 1.5rem 2rem; }
.filters { display: flex; flex-wrap: wrap; align-items: end; gap: 0.6rem 1rem; margin-bottom: 0.9rem; }
.filters label { display: flex; flex-direction: column; font-size: 0.8rem; color: var(--muted); gap: 0.2rem; }
.filters select, .filters input, .filters button { font: inherit; font-size: 0.9rem; color: var(--fg); padding: 0.3rem 0.5rem; border: 1px solid #9ca3af; border-radius: 6px; background: var(--bg); }
.filters .search input { width: 17rem; }
.filters button { cursor: pointer; }
.filters p { margin: 0 0 0.35rem; color: var(--muted); font-size: 0.9rem; }
#refresh.failed { color: #991b1b; }
.layout { display: grid; grid-template-columns: minmax(0, 1fr); gap: 1rem; align-items: start; }
.layout.with-details { grid-template-columns: minmax(0, 1fr) minmax(300px, 420px); }
@media (max-width: 900px) { .layout.with-details { grid-template-columns: minmax(0, 1fr); } }
.grid-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; }
table.grid { border-collapse: separate; border-spacing: 0; width: 100%; }
.grid th, .grid td { padding: 0.35rem 0.5rem; border-bottom: 1px solid var(--line); text-align: center; vertical-align: middle; }
.grid thead th { background: var(--soft); font-weight: 600; }
.grid thead tr:first-child th { border-bottom: 1px solid var(--line); }
.grid th.region { text-transform: none; font-size: 0.85rem; color: var(--fg); letter-spacing: 0.02em; }
.grid th.region .sub, .grid th.cluster .groups { display: block; font-weight: 400; color: var(--muted); font-size: 0.75rem; }
.grid th.cluster { min-width: 7.5rem; }
.grid th.cluster.unreachable .name { text-decoration: line-through; text-decoration-color: #9ca3af; }
.grid .region-start { border-left: 2px solid #9ca3af; }
.grid th.corner, .grid th[scope="row"] { text-align: left; position: sticky; left: 0; z-index: 1; }
.grid th[scope="row"] { background: var(--bg); font-weight: 600; white-space: nowrap; }
.grid th.ready-col, .grid td.ready-col { border-left: 2px solid #9ca3af; white-space: nowrap; font-variant-numeric: tabular-nums; }
.grid tbody tr:last-child th, .grid tbody tr:last-child td { border-bottom: 0; }
.grid td.none { color: var(--muted); }
.warn { display: inline-block; margin-top: 0.2rem; padding: 0 0.4rem; border-radius: 4px; background: #7f1d1d; color: #ffffff; font-size: 0.72rem; font-weight: 600; cursor: help; }
button.cell { display: block; width: 100%; min-width: 6.5rem; padding: 0.35rem 0.4rem; border: 1px solid transparent; border-radius: 6px; font: inherit; font-size: 0.85rem; font-weight: 600; cursor: pointer; line-height: 1.2; }
button.cell .objs { display: block; font-size: 0.72rem; font-weight: 400; }
button.cell:hover { border-color: currentColor; }
button.cell:focus-visible, .filters :focus-visible, #details :focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
button.cell[aria-expanded="true"] { border-color: currentColor; box-shadow: 0 0 0 2px var(--bg), 0 0 0 4px var(--accent); }
button.cell.muted { background: var(--bg); color: var(--muted); font-weight: 400; border-color: var(--line); }
.empty { padding: 1rem; color: var(--muted); }
#details { border: 1px solid var(--line); border-radius: 8px; padding: 0.9rem 1rem; background: var(--bg); box-shadow: 0 4px 16px rgba(17, 24, 39, 0.08); }
#details:focus { outline: none; }
#details .head { display: flex; justify-content: space-between; align-items: start; gap: 0.5rem; }
#details h2 { font-size: 1.1rem; margin: 0; }
#details h2:focus { outline: none; }
#details .close { font: inherit; font-size: 1.2rem; line-height: 1; border: 1px solid var(--line); background: var(--bg); border-radius: 6px; padding: 0.15rem 0.5rem; cursor: pointer; color: var(--fg); }
#details .sub { color: var(--muted); margin: 0.3rem 0 0.7rem; font-size: 0.9rem; }
#details .error { color: #7f1d1d; background: #fef2f2; padding: 0.4rem 0.6rem; border-radius: 6px; }
.objects { list-style: none; padding: 0; margin: 0; display: grid; gap: 0.6rem; }
.objects > li { border: 1px solid var(--line); border-radius: 6px; padding: 0.5rem 0.65rem; }
.objects .obj { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: baseline; }
.objects .kind { color: var(--muted); }
.objects .message { margin: 0.35rem 0 0; overflow-wrap: anywhere; }
.fields { margin: 0.4rem 0 0; padding: 0; list-style: none; font-size: 0.88rem; }
.fields li { padding: 0.25rem 0; border-top: 1px dashed var(--line); overflow-wrap: anywhere; }
.fields .arrow { color: var(--muted); padding: 0 0.25rem; }
.fields .hidden-value { color: var(--muted); }
.fields .manager { display: block; color: var(--muted); font-size: 0.8rem; }
.below { display: flex; flex-wrap: wrap; gap: 1rem 3rem; margin-top: 1.25rem; }
.legend ul { list-style: none; padding: 0; margin: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(17rem, 1fr)); gap: 0.3rem 1.25rem; font-size: 0.88rem; }
.legend { flex: 2 1 34rem; }
.legend .hint, .problems li { color: var(--muted); font-size: 0.88rem; }
.problems { flex: 1 1 20rem; }
.problems ul { margin: 0; padding-left: 1.1rem; }
.problems li { overflow-wrap: anywhere; }
.problems strong { color: var(--fg); }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
`;

/**
 * The page's script (plain ES2020, no template literals so it can live in this one). It renders
 * everything from the embedded JSON with DOM APIs: values are only ever inserted as text.
 */
const PAGE_SCRIPT = `
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const options = JSON.parse($('fleet-page-options').textContent);
  const STATES = options.states;
  let status = JSON.parse($('fleet-status').textContent);
  let readError = '';
  let selected = null; // { bundle, cluster } of the open details

  // Creates an element; children that are strings become text nodes (never markup).
  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child !== undefined && child !== null && child !== false) el.append(typeof child === 'object' ? child : String(child));
    }
    return el;
  }
  const byName = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  const badge = (state) => h('span', { class: 'badge st-' + state }, state);
  const objectName = (o) => (o.namespace ? o.namespace + '/' + o.name : o.name);
  const plural = (n, word) => n + ' ' + word + (n === 1 ? '' : 's');

  function formatTime(iso) {
    const d = new Date(iso);
    if (isNaN(d.getTime())) return String(iso);
    return d.toISOString().replace('T', ' ').replace(/\\.\\d+Z$/, 'Z').replace(/Z$/, ' UTC');
  }

  // Clusters (sorted by region, then name), regions, groups and bundles of a status.
  function model(s) {
    const clusters = Object.keys(s.clusters || {}).map((name) => ({ name, c: s.clusters[name] }));
    clusters.sort((a, b) => byName(a.c.region, b.c.region) || byName(a.name, b.name));
    const regions = [...new Set(clusters.map((x) => x.c.region))];
    const groups = [...new Set(clusters.flatMap((x) => x.c.groups || []))].sort(byName);
    const bundles = new Set(Object.keys(s.bundles || {}));
    for (const x of clusters) for (const b of Object.keys(x.c.bundles || {})) bundles.add(b);
    return { clusters, regions, groups, bundles: [...bundles].sort(byName) };
  }
  const cellOf = (x, bundle) => (x.c.bundles || {})[bundle];

  // ---- filters ----
  function readFilters() {
    return {
      region: $('f-region').value,
      group: $('f-group').value,
      state: $('f-state').value,
      text: $('f-text').value.trim().toLowerCase(),
    };
  }
  function cellMatches(f, bundle, x) {
    const cell = cellOf(x, bundle);
    if (f.state && (!cell || cell.state !== f.state)) return false;
    if (!f.text) return true;
    if (bundle.toLowerCase().includes(f.text) || x.name.toLowerCase().includes(f.text)) return true;
    return !!cell && (cell.nonReady || []).some((o) => (o.kind + ' ' + objectName(o)).toLowerCase().includes(f.text));
  }
  function visible(m, f) {
    const inScope = m.clusters.filter((x) => (!f.region || x.c.region === f.region) && (!f.group || (x.c.groups || []).includes(f.group)));
    if (!f.state && !f.text) return { rows: m.bundles, cols: inScope, narrowing: false };
    const rows = m.bundles.filter((b) => inScope.some((x) => cellMatches(f, b, x)));
    const cols = inScope.filter((x) => rows.some((b) => cellMatches(f, b, x)));
    return { rows, cols, narrowing: true };
  }
  function syncSelect(id, values, allLabel, labelOf) {
    const select = $(id);
    const current = select.value;
    const all = current && !values.includes(current) ? values.concat([current]) : values;
    const labels = all.map((v) => (labelOf ? labelOf(v) : v));
    const key = JSON.stringify([allLabel, all, labels]);
    if (select.dataset.key === key) return;
    select.replaceChildren(h('option', { value: '' }, allLabel), ...all.map((v, i) => h('option', { value: v }, labels[i])));
    select.value = current;
    select.dataset.key = key;
  }
  function writeHash(f) {
    const params = new URLSearchParams();
    if (f.region) params.set('region', f.region);
    if (f.group) params.set('group', f.group);
    if (f.state) params.set('state', f.state);
    if ($('f-text').value.trim()) params.set('q', $('f-text').value.trim());
    const hash = params.toString();
    if (hash !== location.hash.slice(1)) {
      try { history.replaceState(null, '', hash ? '#' + hash : location.pathname + location.search); } catch (e) { /* file: pages in some browsers */ }
    }
  }
  function readHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    return { region: params.get('region') || '', group: params.get('group') || '', state: params.get('state') || '', q: params.get('q') || '' };
  }

  // ---- header ----
  function renderHeader(m) {
    const s = status.summary || { clusters: [], readyClusters: 0, unreachableClusters: 0, counts: {} };
    $('fleet-name').textContent = status.fleet;
    $('observed').replaceChildren('Live status · observed ', h('time', { datetime: status.observedAt }, formatTime(status.observedAt)));
    const deployments = STATES.reduce((n, st) => n + ((s.counts || {})[st] || 0), 0);
    const stat = (label, value, id) => h('div', { id }, h('dt', {}, label), h('dd', {}, value));
    $('stats').replaceChildren(
      stat('clusters ready', s.readyClusters + '/' + m.clusters.length, 'stat-ready'),
      stat('unreachable', s.unreachableClusters, 'stat-unreachable'),
      stat('bundle deployments', deployments, 'stat-deployments'),
    );
    $('counts').replaceChildren(
      ...STATES.filter((st) => (s.counts || {})[st]).map((st) => h('li', {}, h('span', { class: 'badge st-' + st }, st + ' ' + s.counts[st]))),
    );
    const banner = $('read-error');
    banner.hidden = !readError;
    banner.replaceChildren(
      ...(readError ? ['The last read of the fleet failed: ', h('strong', {}, readError), '. Showing the status observed ', formatTime(status.observedAt), '.'] : []),
    );
  }

  // ---- grid ----
  function renderGrid(m, f) {
    const v = visible(m, f);
    $('showing').textContent =
      'showing ' + v.cols.length + ' of ' + m.clusters.length + ' clusters, ' + v.rows.length + ' of ' + m.bundles.length + ' bundles';
    const wrap = $('grid-wrap');
    if (!v.rows.length || !v.cols.length) {
      wrap.replaceChildren(h('p', { class: 'empty' }, 'No bundle or cluster matches the filters.'));
      return;
    }
    const regionStart = new Set();
    const regionHeads = [];
    for (const x of v.cols) {
      const last = regionHeads[regionHeads.length - 1];
      if (last && last.region === x.c.region) last.clusters.push(x);
      else {
        regionStart.add(x.name);
        regionHeads.push({ region: x.c.region, clusters: [x] });
      }
    }
    const regionRow = h(
      'tr',
      {},
      h('th', { scope: 'col', rowspan: 2, class: 'corner' }, 'Bundle'),
      regionHeads.map((r) => {
        const rollup = (status.regions || {})[r.region];
        return h(
          'th',
          { scope: 'colgroup', colspan: r.clusters.length, class: 'region region-start', 'data-region': r.region },
          r.region,
          rollup ? h('span', { class: 'sub' }, rollup.readyClusters + '/' + rollup.clusters.length + ' clusters ready') : null,
        );
      }),
      h('th', { scope: 'col', rowspan: 2, class: 'ready-col', title: 'Clusters where the bundle is Ready / clusters it is desired on' }, 'ready/desired'),
    );
    const clusterRow = h(
      'tr',
      {},
      v.cols.map((x) =>
        h(
          'th',
          { scope: 'col', class: 'cluster' + (x.c.reachable ? '' : ' unreachable') + (regionStart.has(x.name) ? ' region-start' : ''), 'data-cluster': x.name },
          h('span', { class: 'name' }, x.name),
          h('span', { class: 'groups' }, (x.c.groups || []).join(', ') || 'no group'),
          x.c.reachable ? null : h('span', { class: 'warn', title: x.c.error || 'unreachable' }, 'unreachable'),
        ),
      ),
    );
    const body = v.rows.map((bundle) => {
      const summary = (status.bundles || {})[bundle];
      return h(
        'tr',
        { 'data-bundle': bundle },
        h('th', { scope: 'row' }, bundle),
        v.cols.map((x) => cellTd(bundle, x, v.narrowing && !cellMatches(f, bundle, x), regionStart.has(x.name))),
        h('td', { class: 'ready-col' }, summary ? summary.display : ''),
      );
    });
    wrap.replaceChildren(
      h('table', { class: 'grid', id: 'grid' }, h('caption', { class: 'sr-only' }, 'State of each bundle on each cluster'), h('thead', {}, regionRow, clusterRow), h('tbody', {}, body)),
    );
  }
  function cellTd(bundle, x, muted, regionStart) {
    const cell = cellOf(x, bundle);
    const cls = regionStart ? 'region-start' : '';
    if (!cell) return h('td', { class: ('none ' + cls).trim(), 'data-bundle': bundle, 'data-cluster': x.name, title: bundle + ' is not desired on ' + x.name }, '-');
    const nonReady = cell.nonReady || [];
    const label =
      bundle + ' on ' + x.name + ': ' + cell.state + ', ' + cell.readyObjects + ' of ' + cell.desiredObjects + ' objects ready' +
      (nonReady.length ? ', ' + plural(nonReady.length, 'object') + ' listed' : '');
    const first = nonReady[0];
    const isOpen = !!selected && selected.bundle === bundle && selected.cluster === x.name;
    return h(
      'td',
      { class: cls || undefined, 'data-bundle': bundle, 'data-cluster': x.name, 'data-state': cell.state },
      h(
        'button',
        {
          type: 'button',
          class: 'cell st-' + cell.state + (muted ? ' muted' : ''),
          'aria-label': label,
          'aria-expanded': isOpen ? 'true' : 'false',
          'aria-controls': 'details',
          title: first ? first.kind + ' ' + objectName(first) + ': ' + (first.message || first.state) : label,
          'data-bundle': bundle,
          'data-cluster': x.name,
          onclick: () => openDetails(bundle, x.name),
        },
        cell.state,
        h('span', { class: 'objs' }, cell.readyObjects + '/' + cell.desiredObjects),
      ),
    );
  }

  // ---- details ----
  function formatValue(value) {
    return typeof value === 'string' ? value : JSON.stringify(value);
  }
  function valueOf(field, key) {
    return Object.prototype.hasOwnProperty.call(field, key) && field[key] !== undefined
      ? h('code', {}, formatValue(field[key]))
      : h('em', { class: 'hidden-value' }, 'hidden');
  }
  function objectItem(o) {
    return h(
      'li',
      { 'data-object': o.kind + ' ' + objectName(o) },
      h('div', { class: 'obj' }, badge(o.state), h('span', { class: 'kind' }, o.kind), h('code', {}, objectName(o))),
      o.message ? h('p', { class: 'message' }, o.message) : null,
      o.fields && o.fields.length
        ? h(
            'ul',
            { class: 'fields', 'aria-label': 'Fields: desired → live' },
            o.fields.map((fd) =>
              h(
                'li',
                {},
                h('code', {}, fd.path),
                ': ',
                valueOf(fd, 'desired'),
                h('span', { class: 'arrow' }, ' → '),
                valueOf(fd, 'live'),
                fd.manager ? h('span', { class: 'manager' }, 'changed by ' + fd.manager) : null,
              ),
            ),
          )
        : null,
    );
  }
  function renderDetails() {
    const panel = $('details');
    const x = selected && (status.clusters || {})[selected.cluster];
    const cell = x && (x.bundles || {})[selected.bundle];
    $('layout').classList.toggle('with-details', !!selected);
    if (!selected) {
      panel.hidden = true;
      panel.replaceChildren();
      return;
    }
    const nonReady = (cell && cell.nonReady) || [];
    const parts = [
      h(
        'div',
        { class: 'head' },
        h('h2', { id: 'details-title', tabindex: '-1' }, selected.bundle, ' on ', selected.cluster),
        h('button', { type: 'button', class: 'close', 'aria-label': 'Close details', onclick: closeDetails }, '×'),
      ),
      cell
        ? h('p', { class: 'sub' }, badge(cell.state), ' ', cell.readyObjects + '/' + cell.desiredObjects + ' objects ready', x ? ' · ' + x.region : '')
        : h('p', { class: 'sub' }, 'The bundle is no longer desired on this cluster.'),
      x && !x.reachable ? h('p', { class: 'error' }, 'Cluster unreachable: ', x.error || 'no error recorded') : null,
      cell && nonReady.length ? h('ul', { class: 'objects', 'aria-label': 'Objects that are not ready' }, nonReady.map(objectItem)) : null,
      cell && !nonReady.length ? h('p', {}, x && !x.reachable ? 'Nothing is known about its objects.' : 'Every object is ready.') : null,
    ];
    panel.replaceChildren(...parts.filter((p) => p !== null));
    panel.hidden = false;
  }
  function openDetails(bundle, cluster) {
    selected = { bundle, cluster };
    render();
    $('details-title').focus();
  }
  function closeDetails() {
    const was = selected;
    selected = null;
    render();
    if (was) {
      const button = document.querySelector('button.cell[data-bundle="' + CSS.escape(was.bundle) + '"][data-cluster="' + CSS.escape(was.cluster) + '"]');
      if (button) button.focus();
    }
  }

  // ---- lists below the grid ----
  function renderLists(m) {
    const down = m.clusters.filter((x) => !x.c.reachable);
    $('unreachable-section').hidden = !down.length;
    $('unreachable').replaceChildren(
      ...down.map((x) => h('li', { 'data-cluster': x.name }, h('strong', {}, x.name), ' (' + x.c.region + '): ', x.c.error || 'no error recorded')),
    );
    const orphans = m.clusters.flatMap((x) => (x.c.orphaned || []).map((o) => ({ x, o })));
    $('orphaned-section').hidden = !orphans.length;
    $('orphaned').replaceChildren(
      ...orphans.map(({ x, o }) => h('li', {}, h('strong', {}, x.name), ': ', o.kind + ' ' + objectName(o), o.message ? ' (' + o.message + ')' : '')),
    );
  }

  function render() {
    const m = model(status);
    const counts = (status.summary && status.summary.counts) || {};
    syncSelect('f-region', m.regions, 'All regions');
    syncSelect('f-group', m.groups, 'All groups');
    syncSelect('f-state', STATES, 'All states', (st) => st + ' (' + (counts[st] || 0) + ')');
    const active = document.activeElement;
    const focused = active && active.matches && active.matches('button.cell') ? { bundle: active.dataset.bundle, cluster: active.dataset.cluster } : null;
    const focusInDetails = !!active && active !== document.body && $('details').contains(active);
    const f = readFilters();
    renderHeader(m);
    renderGrid(m, f);
    renderDetails();
    renderLists(m);
    writeHash(f);
    if (focused) {
      const button = document.querySelector('button.cell[data-bundle="' + CSS.escape(focused.bundle) + '"][data-cluster="' + CSS.escape(focused.cluster) + '"]');
      if (button) button.focus();
    } else if (focusInDetails && selected) {
      $('details-title').focus();
    }
  }

  // ---- live refresh ----
  function setRefresh(text, failed) {
    const el = $('refresh');
    el.hidden = false;
    el.textContent = text;
    el.classList.toggle('failed', failed);
  }
  async function refresh() {
    try {
      const res = await fetch(options.statusUrl, { cache: 'no-store', headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error('HTTP ' + res.status + (res.statusText ? ' ' + res.statusText : ''));
      const next = await res.json();
      if (!next || next.kind !== 'FleetLiveStatus') throw new Error('the answer is not a FleetLiveStatus');
      const error = res.headers.get('X-Fleetwright-Error');
      let decoded = error || '';
      try { decoded = decodeURIComponent(decoded); } catch (e) { /* keep it as sent */ }
      readError = decoded;
      status = next;
      render();
      setRefresh('updated ' + new Date().toLocaleTimeString(), false);
    } catch (e) {
      setRefresh('refresh failed: ' + (e && e.message ? e.message : String(e)), true);
    } finally {
      setTimeout(refresh, options.refreshSeconds * 1000);
    }
  }

  // ---- start ----
  const initial = readHash();
  render(); // fills the selects
  $('f-region').value = initial.region;
  $('f-group').value = initial.group;
  $('f-state').value = initial.state;
  $('f-text').value = initial.q;
  for (const id of ['f-region', 'f-group', 'f-state']) $(id).addEventListener('change', render);
  $('f-text').addEventListener('input', render);
  $('f-clear').addEventListener('click', () => {
    for (const id of ['f-region', 'f-group', 'f-state', 'f-text']) $(id).value = '';
    render();
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && selected) closeDetails();
  });
  render();
  if (options.statusUrl) {
    setRefresh('live: refreshing every ' + options.refreshSeconds + ' s', false);
    refresh();
  }
})();
`;
