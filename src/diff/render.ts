import { styleText } from 'node:util';
import { ChangeGroup, FieldChange, FleetDiff, StepError } from './compare';

/** Output formats of `fleetwright diff` and `fleetwright preview`. */
export const DIFF_FORMATS = ['text', 'markdown', 'json'] as const;

/** Output formats of `fleetwright diff` and `fleetwright preview`. */
export type DiffFormat = (typeof DIFF_FORMATS)[number];

const value = (v: unknown): string => (v === undefined ? '∅' : JSON.stringify(v));

function clusterList(clusters: readonly string[], max: number): string {
  return clusters.length <= max ? clusters.join(', ') : `${clusters.slice(0, max).join(', ')} … and ${clusters.length - max} more`;
}

function headline(d: FleetDiff): string {
  const s = d.summary;
  return (
    `${s.clustersChanged} cluster${s.clustersChanged === 1 ? '' : 's'} changed: ${s.objectsAdded} objects added, ${s.objectsRemoved} removed, ` +
    `${s.objectsChanged} changed, ${s.replacements} replaced, in ${s.groups} distinct change${s.groups === 1 ? '' : 's'}`
  );
}

function groupTitle(g: ChangeGroup): string {
  const where = g.clusters.length === 1 ? `on ${g.clusters[0]}` : `the same change on ${g.clusters.length} clusters`;
  return `${g.kind} ${g.object} (bundle ${g.bundle}) ${where}`;
}

/** `REPLACE`, `DRIFT`: what makes a group loud. */
function markers(g: ChangeGroup): string[] {
  return [
    ...(g.replacement.length > 0 ? ['REPLACE'] : []),
    ...(g.kind === 'removed' ? ['DELETE'] : []),
    ...(g.drift !== undefined || g.fields.some((f) => f.drift) ? ['DRIFT'] : []),
  ];
}

const fieldLine = (f: FieldChange): string =>
  `${f.path}: ${value(f.before)} → ${value(f.after)}${f.drift ? ' (drift: changed on the cluster)' : ''}`;

/** How to resolve a step the engine could not plan. */
function errorLine(e: StepError): string {
  if (e.conflict) {
    return (
      `${e.resource}: DRIFT ${e.conflict.fields.join(', ') || 'fields'} changed on the cluster by '${e.conflict.manager}'; ` +
      `undo that change on ${e.cluster}, or stop setting the field in the fleet if '${e.conflict.manager}' should own it`
    );
  }
  return `${e.resource}: ${e.message.split('\n')[0]}`;
}

/**
 * Renders a diff as text for terminals: changes that replace or remove objects first, coloured when
 * `color` is set.
 */
export function renderText(d: FleetDiff, color: boolean): string {
  const paint = (style: Parameters<typeof styleText>[0], text: string): string =>
    color ? styleText(style, text, { validateStream: false }) : text;
  const lines = [`fleet ${d.source === 'live' ? 'preview' : 'diff'} ${d.base} → ${d.head}: ${headline(d)}`];
  if (d.clustersAdded.length > 0) lines.push(paint('green', `clusters added: ${d.clustersAdded.join(', ')}`));
  if (d.clustersRemoved.length > 0) lines.push(paint('red', `clusters removed: ${d.clustersRemoved.join(', ')}`));
  if (d.targeting.length > 0) {
    lines.push('', 'targeting changes:');
    for (const t of d.targeting) {
      if (t.gained.length > 0)
        lines.push(paint('green', `  + bundle ${t.bundle} now goes to ${t.gained.length} more cluster(s): ${clusterList(t.gained, 8)}`));
      if (t.lost.length > 0)
        lines.push(paint('red', `  - bundle ${t.bundle} leaves ${t.lost.length} cluster(s): ${clusterList(t.lost, 8)}`));
    }
  }
  if (d.errors && d.errors.length > 0) {
    lines.push('', paint(['bold', 'red'], `${d.errors.length} object(s) cannot be planned (what depends on them was not planned either):`));
    for (const e of d.errors) lines.push(paint('red', `  ! ${errorLine(e)}`));
  }
  for (const g of d.groups) {
    const style = g.replacement.length > 0 || g.kind === 'removed' ? 'red' : g.kind === 'added' ? 'green' : 'yellow';
    lines.push('', paint(['bold', style], [...markers(g), groupTitle(g)].join(' ')));
    if (g.clusters.length > 1) lines.push(`  clusters: ${clusterList(g.clusters, 8)}`);
    if (g.drift) lines.push(paint('magenta', `  ~ drift: ${g.drift}`));
    for (const r of g.replacement) lines.push(paint('red', `  ! replaced: ${r}`));
    for (const f of g.fields) lines.push(`  ${paint(f.drift ? 'magenta' : 'reset', fieldLine(f))}`);
  }
  if (!hasAnything(d)) lines.push('no changes');
  return `${lines.join('\n')}\n`;
}

/** Largest markdown report, in characters (a pull-request comment holds 65,536). */
export const MARKDOWN_LIMIT = 60_000;

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/**
 * Renders a diff as markdown for a pull-request comment: a summary table first, then one
 * collapsible section per change group, cut with a note past `limit` characters.
 */
export function renderMarkdown(d: FleetDiff, limit = MARKDOWN_LIMIT): string {
  const s = d.summary;
  const head = [
    `### fleetwright ${d.source === 'live' ? 'preview' : 'diff'} \`${d.base}\` → \`${d.head}\``,
    '',
    '| clusters changed | objects added | removed | changed | replaced | distinct changes |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${s.clustersChanged} | ${s.objectsAdded} | ${s.objectsRemoved} | ${s.objectsChanged} | ${s.replacements} | ${s.groups} |`,
    '',
  ];
  if (s.replacements > 0)
    head.push(
      `> [!WARNING]\n> ${s.replacements} object(s) will be **replaced** (deleted and recreated); see the sections marked REPLACE.`,
      '',
    );
  if (d.clustersAdded.length + d.clustersRemoved.length > 0) {
    head.push(`Clusters added: ${d.clustersAdded.join(', ') || 'none'}; removed: ${d.clustersRemoved.join(', ') || 'none'}.`, '');
  }
  if (d.targeting.length > 0) {
    head.push('**Targeting changes**', '', '| bundle | gains | loses |', '| --- | --- | --- |');
    for (const t of d.targeting) head.push(`| ${t.bundle} | ${cell(t.gained.join(', ') || '–')} | ${cell(t.lost.join(', ') || '–')} |`);
    head.push('');
  }
  if (d.errors && d.errors.length > 0) {
    head.push(`> [!CAUTION]\n> ${d.errors.length} object(s) cannot be planned (what depends on them was not planned either):`);
    for (const e of d.errors) head.push(`> - ${cell(errorLine(e))}`);
    head.push('');
  }
  if (!hasAnything(d)) head.push('No changes.');
  let out = `${head.join('\n')}\n`;
  let shown = 0;
  for (const g of d.groups) {
    const body = [
      `<details><summary>${markers(g)
        .map((m) => `<b>${m}</b> `)
        .join('')}${cell(groupTitle(g))}</summary>`,
      '',
      `Clusters (${g.clusters.length}): ${g.clusters.join(', ')}`,
      '',
      ...(g.drift ? [`- :mag: drift: ${g.drift}`] : []),
      ...g.replacement.map((r) => `- :warning: replaced: ${r}`),
      ...(g.fields.length > 0
        ? [
            '| field | before | after |',
            '| --- | --- | --- |',
            ...g.fields.map(
              (f) => `| \`${cell(f.path)}\`${f.drift ? ' (drift)' : ''} | \`${cell(value(f.before))}\` | \`${cell(value(f.after))}\` |`,
            ),
          ]
        : []),
      '',
      '</details>',
      '',
    ].join('\n');
    if (out.length + body.length > limit) break;
    out += body;
    shown++;
  }
  if (shown < d.groups.length)
    out += `\n_${d.groups.length - shown} more change group(s) not shown (report limit ${limit} characters); see the JSON report._\n`;
  return out;
}

function hasAnything(d: FleetDiff): boolean {
  return d.groups.length + d.targeting.length + d.clustersAdded.length + d.clustersRemoved.length + (d.errors?.length ?? 0) > 0;
}

/** Renders a diff in the requested format. */
export function renderDiff(d: FleetDiff, format: DiffFormat, color = false): string {
  switch (format) {
    case 'text':
      return renderText(d, color);
    case 'markdown':
      return renderMarkdown(d);
    case 'json':
      return `${JSON.stringify(d, null, 2)}\n`;
    default: {
      const unreachable: never = format;
      throw new Error(`unknown format '${String(unreachable)}'`);
    }
  }
}
