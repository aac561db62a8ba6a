import { diffDesired } from '../../src/diff/compare';
import { renderDiff, renderMarkdown } from '../../src/diff/render';
import { diffFleet } from './fixtures';

const labels = { base: 'main', head: 'pr' };
const example = () =>
  diffDesired(
    diffFleet({ clusters: 4, edgeOnlyOnFirst: 1 }),
    diffFleet({ clusters: 4, tag: '1.1', selectorApp: 'web', edgeOnlyOnFirst: 2 }),
    labels,
  );

describe('renderers', () => {
  test('text', () => {
    expect(renderDiff(example(), 'text')).toMatchSnapshot();
  });

  test('text is coloured for terminals only when asked', () => {
    expect(renderDiff(example(), 'text', true)).toContain('\u001b[');
    expect(renderDiff(example(), 'text', false)).not.toContain('\u001b[');
  });

  test('markdown', () => {
    expect(renderDiff(example(), 'markdown')).toMatchSnapshot();
  });

  test('json', () => {
    expect(JSON.parse(renderDiff(example(), 'json'))).toMatchSnapshot();
  });

  test('markdown is cut with a note past its size limit', () => {
    const big = diffDesired(diffFleet({ clusters: 3 }), diffFleet({ clusters: 3, tag: '2.0', edgeOnlyOnFirst: 3 }), labels);
    const md = renderMarkdown(big, 700);
    expect(md.length).toBeLessThan(900);
    expect(md).toMatch(/\d+ more change group\(s\) not shown \(report limit 700 characters\); see the JSON report\./);
  });

  test('no format shows Secret values', () => {
    const d = diffDesired(diffFleet({ clusters: 1, secretValue: 'a-secret' }), diffFleet({ clusters: 2, secretValue: 'b-secret' }), labels);
    for (const format of ['text', 'markdown', 'json'] as const) expect(renderDiff(d, format)).not.toMatch(/a-secret|b-secret|hunter2/);
  });
});
