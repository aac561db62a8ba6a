/**
 * The dashboard server without a browser: routes, methods, host check, reads that fail and reads
 * that never overlap.
 */
import * as http from 'node:http';
import { serveDashboard, type Dashboard } from '../../src/status/serve';
import type { FleetLiveStatus } from '../../src/status/schema';
import { fleetStatus, fleetStatusRecovered } from './fixtures';

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

function request(url: string, init: { method?: string; host?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? 'GET', headers: init.host ? { host: init.host } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(20);
  }
}

let dashboards: Dashboard[] = [];
afterEach(async () => {
  await Promise.all(dashboards.map((d) => d.close()));
  dashboards = [];
});
async function start(read: () => Promise<FleetLiveStatus>, intervalSeconds = 0.05): Promise<Dashboard> {
  const d = await serveDashboard({ read, port: 0, intervalSeconds, refreshSeconds: 2 });
  dashboards.push(d);
  return d;
}

test('serves the page, the status, health; 404, 405 and 403 otherwise', async () => {
  const d = await start(async () => fleetStatus(), 60);
  expect(d.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

  const page = await request(d.url);
  expect(page.status).toBe(200);
  expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(page.headers['content-security-policy']).toContain(
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:",
  );
  expect(page.body).toContain('"statusUrl":"/status.json","refreshSeconds":2');

  const json = await request(`${d.url}status.json`);
  expect(json.status).toBe(200);
  expect(JSON.parse(json.body)).toEqual(fleetStatus());
  expect(json.headers['x-fleetwright-error']).toBeUndefined();

  expect(await request(`${d.url}healthz`)).toMatchObject({ status: 200, body: 'ok\n' });
  expect((await request(`${d.url}nope`)).status).toBe(404);
  expect(await request(`${d.url}status.json`, { method: 'POST' })).toMatchObject({ status: 405, headers: { allow: 'GET' } });
  expect((await request(`${d.url}healthz`, { host: 'evil.example:80' })).status).toBe(403);
  expect((await request(`${d.url}healthz`, { host: 'localhost:9000' })).status).toBe(200);
});

test('a failing read keeps the last good status and reports the error; the next good read clears it', async () => {
  let fail: string | undefined;
  let current = fleetStatus();
  const d = await start(async () => {
    if (fail) throw new Error(fail);
    return current;
  });
  fail = 'Unauthorized: token expired\nfor user "ci" ✗';
  await until(async () => (await request(`${d.url}status.json`)).headers['x-fleetwright-error'] !== undefined);
  const answer = await request(`${d.url}status.json`);
  expect(JSON.parse(answer.body)).toEqual(fleetStatus());
  expect(decodeURIComponent(answer.headers['x-fleetwright-error'] as string)).toBe('Unauthorized: token expired for user "ci" ✗');

  current = fleetStatusRecovered();
  fail = undefined;
  await until(async () => (await request(`${d.url}status.json`)).headers['x-fleetwright-error'] === undefined);
  expect(JSON.parse((await request(`${d.url}status.json`)).body)).toEqual(fleetStatusRecovered());
});

test('reads never overlap, and stop when the dashboard closes', async () => {
  let running = 0;
  let most = 0;
  let reads = 0;
  const d = await start(async () => {
    reads++;
    running++;
    most = Math.max(most, running);
    await sleep(80); // longer than the interval
    running--;
    return fleetStatus();
  }, 0.01);
  await until(() => reads >= 4);
  await d.close();
  const after = reads;
  await sleep(200);
  expect(most).toBe(1);
  expect(reads - after).toBeLessThanOrEqual(1); // at most the read in flight when it closed
});

test('the first read failing rejects', async () => {
  await expect(
    serveDashboard({
      read: () => Promise.reject(new Error('no kubeconfig')),
      port: 0,
    }),
  ).rejects.toThrow('the first read of the fleet status failed: no kubeconfig');
});
