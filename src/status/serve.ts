/**
 * The status dashboard: a small HTTP server on 127.0.0.1 that reads the fleet's live status at an
 * interval and serves the status page, which refreshes itself from `/status.json`.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderStatusPage, STATUS_PAGE_CSP } from './html';
import type { FleetLiveStatus } from './schema';

/** Options of {@link serveDashboard}. */
export interface DashboardOptions {
  /** Reads the fleet's live status; called on start, then every `intervalSeconds` (never two at once). */
  readonly read: () => Promise<FleetLiveStatus>;
  /**
   * Port on 127.0.0.1 (0: any free port; see {@link Dashboard.url}).
   * @default 8080
   */
  readonly port?: number;
  /**
   * Seconds between the end of one read and the start of the next. Fractions are allowed.
   * @default 15
   */
  readonly intervalSeconds?: number;
  /**
   * Seconds between two refreshes of an open page.
   * @default 10
   */
  readonly refreshSeconds?: number;
}

/** A running dashboard. */
export interface Dashboard {
  /** The page's URL, e.g. `http://127.0.0.1:8080/`. */
  readonly url: string;
  /** Stops reading and closes the server (open connections included). */
  close(): Promise<void>;
}

/** Response header of `/status.json` with the URI-encoded error of the last read, when it failed. */
export const DASHBOARD_ERROR_HEADER = 'X-Fleetwright-Error';

const LOCAL_HOSTNAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Serves the status dashboard on 127.0.0.1: `GET /` (the status page, refreshing itself),
 * `GET /status.json` (the last status read; when the latest read failed, the last good status with
 * the error in the {@link DASHBOARD_ERROR_HEADER} header), `GET /healthz` (`ok`). Other paths answer
 * 404, other methods 405; requests whose Host is not a loopback name answer 403 (DNS rebinding).
 *
 * @param options - How to read the status, the port and the intervals.
 * @returns The running dashboard, once the first read succeeded and the port is bound.
 * @throws When the first read fails, or the port cannot be bound.
 */
export async function serveDashboard(options: DashboardOptions): Promise<Dashboard> {
  const port = options.port ?? 8080;
  const intervalMs = (options.intervalSeconds ?? 15) * 1000;
  const refreshSeconds = options.refreshSeconds ?? 10;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port must be an integer from 0 to 65535, got ${port}`);
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) {
    throw new RangeError(`intervalSeconds must be a positive number, got ${options.intervalSeconds}`);
  }
  if (!(refreshSeconds > 0) || !Number.isFinite(refreshSeconds)) {
    throw new RangeError(`refreshSeconds must be a positive number, got ${refreshSeconds}`);
  }

  let last: FleetLiveStatus;
  try {
    last = await options.read();
  } catch (e) {
    throw new Error(`the first read of the fleet status failed: ${errorMessage(e)}`, { cause: e });
  }
  let lastError: string | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;

  const readAgain = async (): Promise<void> => {
    try {
      const next = await options.read();
      last = next;
      lastError = undefined;
    } catch (e) {
      lastError = errorMessage(e);
    }
  };
  const schedule = (): void => {
    if (closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      void readAgain().finally(schedule);
    }, intervalMs);
  };

  const server = http.createServer((req, res) => {
    const send = (code: number, type: string, body: string, headers: Record<string, string> = {}): void => {
      res.writeHead(code, {
        'Content-Type': type,
        'Content-Length': String(Buffer.byteLength(body)),
        'Cache-Control': 'no-store',
        'Content-Security-Policy': `${STATUS_PAGE_CSP}; frame-ancestors 'none'`,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        ...headers,
      });
      res.end(body);
    };
    const text = 'text/plain; charset=utf-8';
    const hostname = hostnameOf(req.headers.host);
    if (!hostname || !LOCAL_HOSTNAMES.has(hostname)) return send(403, text, 'forbidden: not a loopback host name\n');
    if (req.method !== 'GET') return send(405, text, 'method not allowed\n', { Allow: 'GET' });
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    switch (path) {
      case '/':
        return send(200, 'text/html; charset=utf-8', renderStatusPage(last, { statusUrl: '/status.json', refreshSeconds }));
      case '/status.json':
        return send(
          200,
          'application/json; charset=utf-8',
          `${JSON.stringify(last, null, 2)}\n`,
          lastError === undefined ? {} : { [DASHBOARD_ERROR_HEADER]: encodeURIComponent(lastError) },
        );
      case '/healthz':
        return send(200, text, 'ok\n');
      default:
        return send(404, text, 'not found\n');
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  schedule();
  const address = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: async () => {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      await new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

/** The host name of a Host header (`[::1]` keeps its brackets), or undefined. */
function hostnameOf(host: string | undefined): string | undefined {
  if (!host) return undefined;
  try {
    return new URL(`http://${host}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

function errorMessage(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/[\r\n]+/g, ' ');
}
