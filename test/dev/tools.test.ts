import * as fs from 'node:fs';
import * as path from 'node:path';
import { readKubeconfig } from '../../src/dev/kube';
import { alive, findTool, runOk, ToolError } from '../../src/dev/tools';
import { run } from '../../src/exec/run';
import { tmpDir } from '../util';

describe('tools', () => {
  test('findTool fails with how to build the toolchain', () => {
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(() => findTool('kwokctl')).toThrow(
        new ToolError(
          "'kwokctl' is not on PATH; build the toolchain with `npx fleetwright toolchain setup` (fleetwright finds it in ~/.cache/fleetwright)",
        ),
      );
    } finally {
      process.env.PATH = saved;
    }
  });

  test('runOk fails with the command and the end of its output', async () => {
    await expect(runOk('listing nothing', 'sh', ['-c', 'echo boom >&2; exit 3'])).rejects.toThrow(
      /listing nothing failed \(exit 3\): sh -c .*\nboom/,
    );
    expect((await run('sh', ['-c', 'echo hi'])).stdout).toBe('hi\n');
  });

  test('alive tells running processes from gone ones', () => {
    expect(alive(process.pid)).toBe(true);
    expect(alive(2 ** 22 + 12345)).toBe(false);
  });
});

test('readKubeconfig reads the current context, with files relative to the kubeconfig', () => {
  const { dir, cleanup } = tmpDir();
  try {
    fs.writeFileSync(path.join(dir, 'ca.crt'), 'CA');
    fs.writeFileSync(
      path.join(dir, 'kc'),
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: b',
        'clusters:',
        '- {name: a, cluster: {server: "https://127.0.0.1:1"}}',
        '- {name: b, cluster: {server: "https://127.0.0.1:2", certificate-authority: ca.crt}}',
        'contexts:',
        '- {name: a, context: {cluster: a, user: u}}',
        '- {name: b, context: {cluster: b, user: u}}',
        'users:',
        '- {name: u, user: {token: t0ken}}',
      ].join('\n'),
    );
    const access = readKubeconfig(path.join(dir, 'kc'));
    expect(access).toMatchObject({ server: 'https://127.0.0.1:2', token: 't0ken', insecure: false });
    expect(access.ca?.toString()).toBe('CA');
  } finally {
    cleanup();
  }
});
