/**
 * The status page in a real browser (Debian's Chromium through playwright-core): what a person sees
 * in the grid, the details panel, the filters; the dashboard refreshing the page in place; and that
 * the page never requests anything outside 127.0.0.1. Screenshots go to test-output/status-page/ and
 * docs/images/status-page.png (shown in the README).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { renderStatusPage } from '../../src/status/html';
import { serveDashboard, type Dashboard } from '../../src/status/serve';
import type { FleetLiveStatus } from '../../src/status/schema';
import { fleetStatus, fleetStatusRecovered, HOSTILE, hostileStatus, NOT_READY_MESSAGE, UNREACHABLE_ERROR } from '../status/fixtures';

jest.setTimeout(120_000);

const CHROMIUM = '/usr/bin/chromium';
const ROOT = path.resolve(__dirname, '../..');
const OUT = path.join(ROOT, 'test-output', 'status-page');
const DOC_IMAGE = path.join(ROOT, 'docs', 'images', 'status-page.png');

let browser: Browser | undefined;
const dashboards: Dashboard[] = [];

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the status page tests need a real browser (apt-get install chromium)`);
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  fs.mkdirSync(OUT, { recursive: true });
});
afterAll(async () => {
  await Promise.all(dashboards.map((d) => d.close()));
  await browser?.close();
});

interface Watched {
  readonly page: Page;
  /** Every URL the page requested. */
  readonly requests: string[];
  /** Dialogs (alert…) and uncaught errors: there must be none. */
  readonly problems: string[];
}

async function open(url: string): Promise<Watched> {
  if (!browser) throw new Error('no browser');
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light', locale: 'en-US' });
  const page = await context.newPage();
  const requests: string[] = [];
  const problems: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  await page.goto(url);
  return { page, requests, problems };
}

/** A static page (as `status --live --html FILE` writes it), opened from a file. */
async function openStatic(status: FleetLiveStatus, name: string): Promise<Watched> {
  const file = path.join(OUT, `${name}.html`);
  fs.writeFileSync(file, renderStatusPage(status));
  return open(`file://${file}`);
}

const cell = (page: Page, bundle: string, cluster: string): Locator =>
  page.locator(`td[data-bundle="${bundle}"][data-cluster="${cluster}"]`);
const column = (page: Page, cluster: string): Locator => page.locator(`thead th[data-cluster="${cluster}"]`);
const row = (page: Page, bundle: string): Locator => page.locator(`tbody tr[data-bundle="${bundle}"]`);
const text = async (l: Locator): Promise<string> => ((await l.innerText()) ?? '').replace(/\s+/g, ' ').trim();
const visibleColumns = async (page: Page): Promise<string[]> =>
  page.locator('thead th[data-cluster]').evaluateAll((els) => els.map((e) => e.getAttribute('data-cluster') ?? ''));
const visibleRows = async (page: Page): Promise<string[]> =>
  page.locator('tbody tr[data-bundle]').evaluateAll((els) => els.map((e) => e.getAttribute('data-bundle') ?? ''));

describe('static status page', () => {
  let w: Watched;
  beforeAll(async () => {
    w = await openStatic(fleetStatus(), 'static');
  });
  afterAll(async () => {
    await w.page.context().close();
  });

  test('the header summarizes the fleet', async () => {
    const { page } = w;
    expect(await page.title()).toBe('edge-fleet · fleet status');
    expect(await text(page.locator('h1'))).toBe('edge-fleet');
    expect(await text(page.locator('#observed'))).toBe('Live status · observed 2026-05-14 09:41:07 UTC');
    expect(await text(page.locator('#stat-ready'))).toBe('clusters ready 1/5');
    expect(await text(page.locator('#stat-unreachable'))).toBe('unreachable 1');
    expect(await text(page.locator('#stat-deployments'))).toBe('bundle deployments 18');
    expect(await text(page.locator('#counts'))).toBe('Unknown 3 Modified 2 NotReady 1 Ready 12');
    expect(await text(page.locator('#showing'))).toBe('showing 5 of 5 clusters, 4 of 4 bundles');
  });

  test('the grid shows every cell state as text, regions over their clusters, groups, ready/desired', async () => {
    const { page } = w;
    expect(await visibleColumns(page)).toEqual(['eu-1', 'eu-2', 'west-1', 'west-2', 'west-3']);
    expect(await visibleRows(page)).toEqual(['ingress', 'monitoring', 'payments', 'web']);
    expect(await text(page.locator('th[data-region="eu-central"]'))).toBe('eu-central 0/2 clusters ready');
    expect(await page.locator('th[data-region="eu-central"]').getAttribute('colspan')).toBe('2');
    expect(await page.locator('th[data-region="us-west"]').getAttribute('colspan')).toBe('3');
    expect(await text(column(page, 'west-1'))).toBe('west-1 production, edge');

    const expected: Record<string, Record<string, string>> = {
      ingress: { 'eu-1': 'Ready 7/7', 'eu-2': 'Unknown 0/7', 'west-1': 'Ready 7/7', 'west-2': 'Ready 7/7', 'west-3': 'Ready 7/7' },
      monitoring: { 'eu-1': 'Ready 6/6', 'eu-2': 'Unknown 0/6', 'west-1': 'Ready 6/6', 'west-2': 'Ready 6/6', 'west-3': 'Modified 5/6' },
      payments: { 'eu-1': 'Modified 3/5', 'eu-2': '-', 'west-1': 'Ready 5/5', 'west-2': 'Ready 5/5', 'west-3': '-' },
      web: { 'eu-1': 'Ready 4/4', 'eu-2': 'Unknown 0/4', 'west-1': 'Ready 4/4', 'west-2': 'NotReady 3/4', 'west-3': 'Ready 4/4' },
    };
    for (const [bundle, cells] of Object.entries(expected)) {
      for (const [cluster, shown] of Object.entries(cells))
        expect([bundle, cluster, await text(cell(page, bundle, cluster))]).toEqual([bundle, cluster, shown]);
    }
    expect(await text(row(page, 'web').locator('td.ready-col'))).toBe('3/5');
    expect(await text(row(page, 'payments').locator('td.ready-col'))).toBe('2/3');
    // Colour is not the only signal, and each cell's button names it.
    expect(await page.getByRole('button', { name: 'web on west-2: NotReady, 3 of 4 objects ready, 1 object listed' }).isVisible()).toBe(
      true,
    );
  });

  test('the unreachable cluster is marked, with its error in a tooltip and in the list', async () => {
    const { page } = w;
    const mark = column(page, 'eu-2').locator('.warn');
    expect(await text(mark)).toBe('unreachable');
    expect(await mark.getAttribute('title')).toBe(UNREACHABLE_ERROR);
    expect(await text(column(page, 'eu-1'))).not.toContain('unreachable');
    expect(await page.locator('#unreachable-section').isVisible()).toBe(true);
    expect(await text(page.locator('#unreachable li'))).toBe(`eu-2 (eu-central): ${UNREACHABLE_ERROR}`);
  });

  test('clicking the NotReady cell shows its reason in the details panel', async () => {
    const { page } = w;
    expect(await page.locator('#details').isHidden()).toBe(true);
    await cell(page, 'web', 'west-2').getByRole('button').click();
    const details = page.locator('#details');
    await details.waitFor({ state: 'visible' });
    expect(await text(details.locator('h2'))).toBe('web on west-2');
    expect(await text(details.locator('.sub'))).toBe('NotReady 3/4 objects ready · us-west');
    expect(await text(details.locator('.objects > li'))).toBe(`NotReady Deployment web/web ${NOT_READY_MESSAGE}`);
    expect(await cell(page, 'web', 'west-2').getByRole('button').getAttribute('aria-expanded')).toBe('true');
    expect(await text(page.locator('body'))).not.toMatch(/\bnull\b|\bundefined\b|\[object /);
    await page.screenshot({ path: path.join(OUT, 'status-page-details.png'), fullPage: true });
    fs.mkdirSync(path.dirname(DOC_IMAGE), { recursive: true });
    await page.screenshot({ path: DOC_IMAGE, fullPage: true });
  });

  test('the Modified cells list field drift (desired → live, hidden values) and missing objects', async () => {
    const { page } = w;
    await cell(page, 'payments', 'eu-1').getByRole('button').click();
    const items = page.locator('#details .objects > li');
    expect(await items.count()).toBe(2);
    expect(await text(items.nth(0))).toBe(
      'Modified Deployment payments/payments-api spec.replicas changed on the cluster by kubectl-scale spec.replicas: 3 → 5 changed by kubectl-scale',
    );
    expect(await text(items.nth(1).locator('.fields li'))).toBe('data.password: hidden → hidden changed by kubectl-edit');

    await cell(page, 'monitoring', 'west-3').getByRole('button').click();
    expect(await text(page.locator('#details .objects > li'))).toBe(
      'Missing PrometheusRule monitoring/node-alerts not found on the cluster',
    );
    await cell(page, 'ingress', 'eu-2').getByRole('button').click();
    expect(await text(page.locator('#details .error'))).toBe(`Cluster unreachable: ${UNREACHABLE_ERROR}`);
    expect(await text(page.locator('body'))).not.toMatch(/\bnull\b|\bundefined\b|\[object /);
  });

  test('the cells work from the keyboard: Enter opens, Escape closes and returns focus', async () => {
    const { page } = w;
    await page.keyboard.press('Escape');
    await page.locator('#details').waitFor({ state: 'hidden' });
    const button = cell(page, 'web', 'west-2').getByRole('button');
    await button.focus();
    await page.keyboard.press('Enter');
    await page.locator('#details').waitFor({ state: 'visible' });
    expect(await text(page.locator('#details h2'))).toBe('web on west-2');
    await page.keyboard.press('Escape');
    await page.locator('#details').waitFor({ state: 'hidden' });
    expect(await button.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await page.screenshot({ path: path.join(OUT, 'status-page.png'), fullPage: true });
  });

  test('the region filter hides the other region’s cluster columns', async () => {
    const { page } = w;
    await page.selectOption('#f-region', 'us-west');
    for (const c of ['eu-1', 'eu-2']) await column(page, c).waitFor({ state: 'hidden' });
    for (const c of ['west-1', 'west-2', 'west-3']) expect(await column(page, c).isVisible()).toBe(true);
    expect(await cell(page, 'web', 'eu-1').isVisible()).toBe(false);
    expect(await page.locator('th[data-region="eu-central"]').isVisible()).toBe(false);
    expect(await text(page.locator('#showing'))).toBe('showing 3 of 5 clusters, 4 of 4 bundles');
    await page.click('#f-clear');
    expect(await column(page, 'eu-1').isVisible()).toBe(true);
  });

  test('the group filter keeps the clusters of that group', async () => {
    const { page } = w;
    await page.selectOption('#f-group', 'staging');
    expect(await visibleColumns(page)).toEqual(['eu-2', 'west-3']);
    expect(await text(page.locator('#showing'))).toBe('showing 2 of 5 clusters, 4 of 4 bundles');
    await page.click('#f-clear');
  });

  test('the text filter narrows rows (bundle names) and rows and columns (object names)', async () => {
    const { page } = w;
    await page.fill('#f-text', 'pay');
    await row(page, 'web').waitFor({ state: 'hidden' });
    expect(await visibleRows(page)).toEqual(['payments']);
    expect(await row(page, 'payments').isVisible()).toBe(true);

    await page.fill('#f-text', 'node-alerts'); // an object name
    expect(await visibleRows(page)).toEqual(['monitoring']);
    expect(await visibleColumns(page)).toEqual(['west-3']);
    expect(await text(page.locator('#showing'))).toBe('showing 1 of 5 clusters, 1 of 4 bundles');

    await page.fill('#f-text', 'west-2'); // a cluster name: its column, every row
    expect(await visibleColumns(page)).toEqual(['west-2']);
    expect(await visibleRows(page)).toEqual(['ingress', 'monitoring', 'payments', 'web']);

    await page.fill('#f-text', 'no such thing');
    expect(await text(page.locator('#grid-wrap'))).toBe('No bundle or cluster matches the filters.');
    await page.click('#f-clear');
  });

  test('the state filter shows only the rows and columns with cells in that state', async () => {
    const { page } = w;
    await page.selectOption('#f-state', 'NotReady');
    expect(await visibleRows(page)).toEqual(['web']);
    expect(await visibleColumns(page)).toEqual(['west-2']);

    await page.selectOption('#f-state', 'Modified');
    expect(await visibleRows(page)).toEqual(['monitoring', 'payments']);
    expect(await visibleColumns(page)).toEqual(['eu-1', 'west-3']);
    // Cells in another state stay readable but are muted.
    expect(await cell(page, 'monitoring', 'eu-1').locator('button.muted').count()).toBe(1);
    expect(await cell(page, 'payments', 'eu-1').locator('button.muted').count()).toBe(0);

    await page.selectOption('#f-state', 'Unknown');
    expect(await visibleColumns(page)).toEqual(['eu-2']);
    expect(await visibleRows(page)).toEqual(['ingress', 'monitoring', 'web']);
  });

  test('the filters live in the URL: a reload keeps them', async () => {
    const { page } = w;
    await page.selectOption('#f-region', 'eu-central');
    await page.reload();
    expect(await page.inputValue('#f-state')).toBe('Unknown');
    expect(await page.inputValue('#f-region')).toBe('eu-central');
    expect(await visibleColumns(page)).toEqual(['eu-2']);
    await page.click('#f-clear');
    expect(await visibleColumns(page)).toHaveLength(5);
  });

  test('the page requested nothing but itself, and raised nothing', () => {
    expect(w.requests.length).toBeGreaterThan(0);
    expect(w.requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
    expect(w.problems).toEqual([]);
  });
});

test('hostile names are shown as text, never run', async () => {
  const w = await openStatic(hostileStatus(), 'hostile');
  const { page } = w;
  try {
    expect(await page.locator('img').count()).toBe(0);
    expect(await text(page.locator('h1'))).toBe(`fleet-${HOSTILE}`);
    expect(await text(page.locator('tbody th[scope="row"]'))).toBe(`b-${HOSTILE}`);
    expect(await text(page.locator('thead th[data-cluster] .name').nth(1))).toBe(`c-${HOSTILE}`);
    await page.locator('button.cell').nth(1).click();
    const items = page.locator('#details .objects > li');
    expect(await text(items.nth(0))).toContain(`Pod${HOSTILE} ns-${HOSTILE}/${HOSTILE}`);
    expect(await text(items.nth(0))).toContain(`</script><script>alert(2)</script> ${HOSTILE} <!--`);
    expect(await text(items.nth(1).locator('.fields li'))).toBe(`data["${HOSTILE}"]: ${HOSTILE} → {"nested":"</script>"}`);
    expect(await text(page.locator('#unreachable li'))).toBe(`down-1 (r): dial: ${HOSTILE}`);
    await page.fill('#f-text', HOSTILE);
    expect(await visibleRows(page)).toEqual([`b-${HOSTILE}`]);
    expect(await page.locator('img, iframe, object').count()).toBe(0);
    expect(w.problems).toEqual([]);
    expect(w.requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
  } finally {
    await page.context().close();
  }
});

describe('dashboard', () => {
  let current: FleetLiveStatus;
  let fail: string | undefined;
  let dashboard: Dashboard;

  beforeAll(async () => {
    current = fleetStatus();
    dashboard = await serveDashboard({
      port: 0,
      intervalSeconds: 0.1,
      refreshSeconds: 0.25,
      read: async () => {
        if (fail) throw new Error(fail);
        return current;
      },
    });
    dashboards.push(dashboard);
  });

  test('answers /status.json, /healthz, 404 for other paths', async () => {
    const json = await fetch(new URL('status.json', dashboard.url));
    expect(json.status).toBe(200);
    expect(((await json.json()) as FleetLiveStatus).fleet).toBe('edge-fleet');
    const health = await fetch(new URL('healthz', dashboard.url));
    expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
    expect((await fetch(new URL('nothing-here', dashboard.url))).status).toBe(404);
    expect((await fetch(new URL('status.json', dashboard.url), { method: 'POST' })).status).toBe(405);
  });

  test('the page refreshes in place, keeping the filters and the open details, and shows failures', async () => {
    const w = await open(dashboard.url);
    const { page } = w;
    try {
      const web = cell(page, 'web', 'west-2');
      expect(await text(web)).toBe('NotReady 3/4');
      await page.locator('#refresh', { hasText: /^updated / }).waitFor();

      await page.selectOption('#f-region', 'us-west');
      await web.getByRole('button').click();
      expect(await text(page.locator('#details .objects'))).toContain(NOT_READY_MESSAGE);

      current = fleetStatusRecovered();
      await web.locator('button', { hasText: /^Ready/ }).waitFor();
      expect(await text(web)).toBe('Ready 4/4');
      expect(await text(page.locator('#details .sub'))).toBe('Ready 4/4 objects ready · us-west');
      expect(await text(page.locator('#details'))).toContain('Every object is ready.');
      expect(await page.inputValue('#f-region')).toBe('us-west');
      expect(await column(page, 'eu-1').isVisible()).toBe(false);
      expect(await text(page.locator('#stat-ready'))).toBe('clusters ready 2/5');

      // A failing read: the last good status stays, the error is shown.
      fail = 'Unauthorized: the token of cluster west-1 expired';
      await page.locator('#read-error').waitFor({ state: 'visible' });
      expect(await text(page.locator('#read-error'))).toBe(
        'The last read of the fleet failed: Unauthorized: the token of cluster west-1 expired. Showing the status observed 2026-05-14 09:41:07 UTC.',
      );
      expect(await text(web)).toBe('Ready 4/4');
      fail = undefined;
      await page.locator('#read-error').waitFor({ state: 'hidden' });

      expect(w.requests.filter((u) => !u.startsWith(dashboard.url))).toEqual([]);
      expect(w.requests.filter((u) => u.endsWith('/status.json')).length).toBeGreaterThan(2);
      expect(w.problems).toEqual([]);

      // The server goes away: the page says so and keeps what it showed.
      await dashboard.close();
      await page.locator('#refresh', { hasText: /^refresh failed: / }).waitFor();
      expect(await text(web)).toBe('Ready 4/4');
    } finally {
      await page.context().close();
    }
  });
});
