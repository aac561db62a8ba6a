/**
 * The status page as text: hostile values are escaped, the embedded status round-trips, the page
 * loads nothing from anywhere, and the state colours are readable (WCAG AA).
 */
import { renderStatusPage, STATE_STYLES } from '../../src/status/html';
import type { FleetLiveStatus } from '../../src/status/schema';
import { fleetStatus, HOSTILE, hostileStatus } from './fixtures';

/** The text of the `<script type="application/json" id=...>` element. */
function jsonElement(html: string, id: string): string {
  const match = new RegExp(`<script type="application/json" id="${id}">([^]*?)</script>`).exec(html);
  if (!match) throw new Error(`no ${id} element`);
  return match[1];
}

/** The page without its embedded status (the only place where values of the status appear). */
const withoutStatus = (html: string) => html.replace(jsonElement(html, 'fleet-status'), '');

describe('renderStatusPage', () => {
  test('escapes hostile names: no value can add markup or close the script element', () => {
    const status = hostileStatus();
    const html = renderStatusPage(status);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script><');
    expect(html).not.toContain('alert(2)</script>');
    expect(html).toContain(`<title>fleet-&#60;img src=x onerror=alert(1)&#62; · fleet status</title>`);
    // Exactly the page's own script elements (status, options, the script), each closed once.
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    const json = jsonElement(html, 'fleet-status');
    expect(json).not.toContain('<');
    expect(json).toContain('\\u003cimg src=x onerror=alert(1)>');
  });

  test('the embedded status round-trips', () => {
    for (const status of [fleetStatus(), hostileStatus()]) {
      const parsed = JSON.parse(jsonElement(renderStatusPage(status), 'fleet-status')) as FleetLiveStatus;
      expect(parsed).toEqual(status);
    }
    expect(JSON.stringify(hostileStatus())).toContain(HOSTILE);
  });

  test('a static page has no status URL; a live page has the URL and the refresh interval', () => {
    const options = (html: string) => JSON.parse(jsonElement(html, 'fleet-page-options')) as Record<string, unknown>;
    expect(options(renderStatusPage(fleetStatus()))).toMatchObject({ statusUrl: null, refreshSeconds: 10 });
    expect(options(renderStatusPage(fleetStatus(), { statusUrl: '/status.json', refreshSeconds: 3 }))).toMatchObject({
      statusUrl: '/status.json',
      refreshSeconds: 3,
      states: ['Unknown', 'ErrApplied', 'WaitApplied', 'Modified', 'OutOfSync', 'Pending', 'NotReady', 'Ready'],
    });
    expect(() => renderStatusPage(fleetStatus(), { refreshSeconds: 0 })).toThrow(/refreshSeconds/);
  });

  test('the page loads nothing: no URLs, no external assets, a restrictive CSP', () => {
    const html = renderStatusPage(fleetStatus(), { statusUrl: '/status.json' });
    const page = withoutStatus(html);
    expect(page).not.toMatch(/https?:\/\//i);
    expect(page).not.toMatch(/\/\/[a-z0-9.-]+\.[a-z]{2,}\//i);
    expect(page).not.toMatch(/<link\b/i);
    expect(page).not.toMatch(/\bsrc\s*=/i);
    expect(page).not.toMatch(/@import|url\(/i);
    expect(page).not.toMatch(/<(iframe|object|embed|img|base)\b/i);
    expect(page).toContain(`content="default-src &#39;none&#39;; script-src &#39;unsafe-inline&#39;;`);
  });

  test('every state colour pair has a contrast of at least 4.5:1 (WCAG AA)', () => {
    const luminance = (hex: string) => {
      const [r, g, b] = [1, 3, 5]
        .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
        .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const contrast = (a: string, b: string) => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
      return (hi + 0.05) / (lo + 0.05);
    };
    for (const [state, style] of Object.entries(STATE_STYLES)) {
      expect({ state, ok: contrast(style.background, style.text) >= 4.5 }).toEqual({ state, ok: true });
    }
    // The muted text (not-desired cells, muted cells) on white.
    expect(contrast('#4b5563', '#ffffff')).toBeGreaterThanOrEqual(4.5);
  });
});
