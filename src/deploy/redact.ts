import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { registerKubeconfig, registerSecret } from '../model/redaction';

/**
 * Credentials in deploy output. The CLI already hides every secret string this process has seen
 * (`constructs/redaction.ts`); deploy commands add one thing: the local fleet's kubeconfigs are
 * registered before anything runs (a recovery refresh runs before the program reads them).
 * Credential-shaped text nobody registered is masked by `redactText` itself.
 */

/**
 * Registers the credentials of every `*.kubeconfig` file in a folder as secrets, including the
 * client keys and certificates they reference by path.
 */
export function registerKubeconfigFiles(dir: string): void {
  if (!fs.existsSync(dir)) return;
  for (const name of fs.readdirSync(dir)) {
    if (!name.endsWith('.kubeconfig')) continue;
    const file = path.join(dir, name);
    let content: string;
    try {
      content = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    registerKubeconfig(content);
    let users: { user?: Record<string, unknown> }[] = [];
    try {
      users = (parse(content) as { users?: { user?: Record<string, unknown> }[] } | null)?.users ?? [];
    } catch {
      continue; // not YAML: the whole content is registered above
    }
    for (const u of users) {
      for (const key of ['client-key', 'client-certificate', 'tokenFile']) {
        const ref = u.user?.[key];
        if (typeof ref !== 'string') continue;
        try {
          registerSecret(fs.readFileSync(path.resolve(dir, ref), 'utf8'));
        } catch {
          // unreadable here: nothing this process could print
        }
      }
    }
  }
}
