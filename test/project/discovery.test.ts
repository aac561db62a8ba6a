/** Finding the fleet project from the working directory, through the real CLI process. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, runCli } from '../cli-process';
import { tmpDir } from '../util';

// The first load of the example's fleet.ts type-checks it cold (seconds on a busy machine).
jest.setTimeout(120_000);

describe('fleet project discovery', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tmpDir()));
  afterEach(() => cleanup());

  test('outside any fleet project, synth without --fleet exits 1, points to `fleetwright init` and writes nothing', () => {
    // The OS temp folder has no package.json above it.
    const r = runCli(['synth'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.err).toContain('no fleet project here');
    expect(r.err).toContain('fleetwright init');
    expect(r.out).toBe('');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test('from a subfolder of the example project, targets finds the project', () => {
    const r = runCli(['targets'], { cwd: path.join(ROOT, 'examples', 'edge-fleet', 'regions') });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/bundle\s+│\s+edge-onprem-1/);
  });

  test('a package.json naming a missing fleet module is a clear error', () => {
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'broken', fleetwright: { fleet: 'missing.ts' } }));
    fs.mkdirSync(path.join(dir, 'sub'));
    const r = runCli(['targets'], { cwd: path.join(dir, 'sub') });
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${path.join(dir, 'package.json')} names the fleet module "missing.ts", which does not exist`);
    expect(r.out).toBe('');
  });
});
