import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatDiagnostic, isTypeScriptModule, TypecheckError, typecheckFleetModule } from '../../src/project/typecheck';
import { IMPORT_FLEETWRIGHT } from '../cli-process';
import { tmpDir } from '../util';

jest.setTimeout(120_000);

const fleetSource = (rollout: string) => `import { Cluster, Fleet } ${IMPORT_FLEETWRIGHT};
import { REGION } from './region';
const fleet = new Fleet({ name: 'tc', rolloutStrategy: { ${rollout} } });
new Cluster(fleet, 'a', { region: REGION });
export default fleet;
`;

describe('typecheckFleetModule', () => {
  let dir: string;
  let cleanup: () => void;
  let cache: string;
  beforeEach(() => {
    ({ dir, cleanup } = tmpDir('fleetwright-typecheck-'));
    cache = path.join(dir, 'cache');
    fs.writeFileSync(path.join(dir, 'region.ts'), "export const REGION: string = 'us-west';\n");
  });
  afterEach(() => cleanup());

  test('a module that type-checks: no diagnostics; the rerun comes from the cache until a checked file changes', () => {
    const file = path.join(dir, 'fleet.ts');
    fs.writeFileSync(file, fleetSource('autoPartitionThreshold: 3'));
    const cold = typecheckFleetModule(file, { cacheDir: cache });
    expect(cold).toMatchObject({ diagnostics: [], cached: false });
    expect(cold.files).toBeGreaterThan(2);
    expect(typecheckFleetModule(file, { cacheDir: cache })).toMatchObject({ diagnostics: [], cached: true });

    // An imported file changes: checked again.
    fs.writeFileSync(path.join(dir, 'region.ts'), "export const REGION: string = 'us-east';\n");
    expect(typecheckFleetModule(file, { cacheDir: cache }).cached).toBe(false);
    expect(typecheckFleetModule(file, { cacheDir: cache }).cached).toBe(true);

    // The compiler options change (a tsconfig.json appears and is then edited): checked again.
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, types: [] } }));
    expect(typecheckFleetModule(file, { cacheDir: cache }).cached).toBe(false);
    expect(typecheckFleetModule(file, { cacheDir: cache }).cached).toBe(true);
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: false, types: [] } }));
    expect(typecheckFleetModule(file, { cacheDir: cache }).cached).toBe(false);
  });

  test('type errors are reported as file:line:column: message, and are never cached', () => {
    const file = path.join(dir, 'fleet.ts');
    fs.writeFileSync(file, fleetSource("autoPartitionThreshold: 'three'"));
    const r = typecheckFleetModule(file, { cacheDir: cache });
    expect(r.cached).toBe(false);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ file, line: 3, column: 58 });
    expect(formatDiagnostic(r.diagnostics[0])).toBe(`${file}:3:58: Type 'string' is not assignable to type 'number'. (TS2322)`);
    expect(typecheckFleetModule(file, { cacheDir: cache }).cached).toBe(false);
  });

  test('errors in imported project files count; a missing import is an error', () => {
    fs.writeFileSync(path.join(dir, 'region.ts'), 'export const REGION: string = 42;\n');
    const file = path.join(dir, 'fleet.ts');
    fs.writeFileSync(file, `${fleetSource('')}export { more } from './missing';\n`);
    const messages = typecheckFleetModule(file, { cacheDir: cache }).diagnostics.map(formatDiagnostic);
    expect(messages).toEqual([
      `${path.join(dir, 'fleet.ts')}:6:22: Cannot find module './missing' or its corresponding type declarations. (TS2307)`,
      `${path.join(dir, 'region.ts')}:1:14: Type 'number' is not assignable to type 'string'. (TS2322)`,
    ]);
  });

  test('TypecheckError lists the errors and says how to go on', () => {
    const e = new TypecheckError('fleet.ts', [
      { file: path.resolve('fleet.ts'), line: 3, column: 5, message: "Type 'string' is not assignable to type 'number'. (TS2322)" },
    ]);
    expect(e.message).toBe(
      "--fleet fleet.ts does not type-check (1 error); nothing was synthesized:\n  fleet.ts:3:5: Type 'string' is not assignable to type 'number'. (TS2322)\n" +
        'fix the types, or pass --no-typecheck (before the command) to load the module without checking them',
    );
  });

  test('which modules are type-checked', () => {
    expect(['f.ts', 'f.mts', 'f.cts', 'f.tsx'].every(isTypeScriptModule)).toBe(true);
    expect(['f.js', 'f.cjs', 'f.d.ts'].some(isTypeScriptModule)).toBe(false);
  });
});
