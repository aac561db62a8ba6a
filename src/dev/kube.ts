import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import { parse } from 'yaml';

/** The parts of a kubeconfig's current context needed to reach its API server. */
export interface KubeAccess {
  /** API server URL. */
  readonly server: string;
  /** CA bundle (PEM). */
  readonly ca?: Buffer;
  /** Client certificate (PEM). */
  readonly cert?: Buffer;
  /** Client key (PEM). */
  readonly key?: Buffer;
  /** Bearer token. */
  readonly token?: string;
  /** Skip TLS verification. */
  readonly insecure: boolean;
}

interface KubeconfigFile {
  'current-context'?: string;
  contexts?: { name: string; context: { cluster: string; user: string } }[];
  clusters?: { name: string; cluster: Record<string, string | boolean | undefined> }[];
  users?: { name: string; user: Record<string, string | undefined> }[];
}

/** Reads the current context of a kubeconfig file. */
export function readKubeconfig(file: string): KubeAccess {
  const kc = parse(fs.readFileSync(file, 'utf8')) as KubeconfigFile;
  const ctxName = kc['current-context'] ?? kc.contexts?.[0]?.name;
  const ctx = kc.contexts?.find((c) => c.name === ctxName)?.context;
  const cluster = kc.clusters?.find((c) => c.name === ctx?.cluster)?.cluster ?? kc.clusters?.[0]?.cluster;
  const user = kc.users?.find((u) => u.name === ctx?.user)?.user ?? kc.users?.[0]?.user ?? {};
  if (!cluster || typeof cluster.server !== 'string') throw new Error(`${file}: no cluster server in the current context`);
  const dir = path.dirname(file);
  const load = (data: unknown, file?: unknown): Buffer | undefined =>
    typeof data === 'string'
      ? Buffer.from(data, 'base64')
      : typeof file === 'string'
        ? fs.readFileSync(path.resolve(dir, file))
        : undefined;
  return {
    server: cluster.server,
    ca: load(cluster['certificate-authority-data'], cluster['certificate-authority']),
    cert: load(user['client-certificate-data'], user['client-certificate']),
    key: load(user['client-key-data'], user['client-key']),
    token: user.token,
    insecure: cluster['insecure-skip-tls-verify'] === true,
  };
}

/**
 * GETs a path of the API server.
 *
 * @returns status code and body; status 0 when the server cannot be reached
 */
export function kubeGet(access: KubeAccess, urlPath: string, timeoutMs = 5000): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const url = new URL(urlPath, access.server);
    const req = https.request(
      url,
      {
        method: 'GET',
        ca: access.ca,
        cert: access.cert,
        key: access.key,
        rejectUnauthorized: !access.insecure,
        headers: access.token ? { authorization: `Bearer ${access.token}` } : {},
        timeout: timeoutMs,
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, body: e.message }));
    req.end();
  });
}

/** Whether the API server answers `/readyz` with 200. */
export async function isHealthy(access: KubeAccess): Promise<boolean> {
  return (await kubeGet(access, '/readyz')).status === 200;
}
