/**
 * The CI example (examples/ci): its GitHub Actions workflow passes actionlint (built by the
 * toolchain), and every fleetwright command it runs exists with the options it passes.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { load } from 'js-yaml';
import { buildProgram } from '../../src/cli/main';

const WORKFLOW = path.resolve(__dirname, '..', '..', 'examples', 'ci', '.github', 'workflows', 'fleetwright.yml');

function actionlint(file: string): { code: number | null; out: string } {
  const r = spawnSync('actionlint', ['-no-color', '-shellcheck=', '-pyflakes=', file], { encoding: 'utf8' });
  if (r.error)
    throw new Error(`actionlint not found (${r.error.message}); run \`bash toolchain/setup.sh\` and \`source toolchain/env.sh\``);
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

test('the workflow passes actionlint', () => {
  expect(actionlint(WORKFLOW)).toEqual({ code: 0, out: '' });
});

test('actionlint catches what it should: an untrusted input in a script', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetwright-ci-'));
  try {
    const bad = path.join(dir, 'bad.yml');
    fs.writeFileSync(
      bad,
      fs
        .readFileSync(WORKFLOW, 'utf8')
        .replace('npx fleetwright diff --base "origin/$BASE_REF"', 'npx fleetwright diff --base "${{ github.head_ref }}"'),
    );
    const r = actionlint(bad);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/github\.head_ref.*potentially untrusted/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('every fleetwright command in the workflow exists with the options it passes', () => {
  const workflow = load(fs.readFileSync(WORKFLOW, 'utf8')) as { jobs: Record<string, { steps: { run?: string }[] }> };
  const calls = Object.values(workflow.jobs)
    .flatMap((j) => j.steps.map((s) => s.run ?? ''))
    .flatMap((run) => [...run.matchAll(/npx fleetwright (\w+)([^>\n]*)/g)]);
  expect(calls.map((c) => c[1]).sort()).toEqual(['diff', 'plan', 'preview', 'up', 'up', 'up']);
  const program = buildProgram({ out: () => undefined, err: () => undefined });
  for (const [, name, args] of calls) {
    const command = program.commands.find((c) => c.name() === name);
    expect(command).toBeDefined();
    const known = command?.options.map((o) => o.long) ?? [];
    for (const flag of args.match(/--[a-z-]+/g) ?? []) expect(known).toContain(flag);
  }
});
