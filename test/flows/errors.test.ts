/** Errors are for people: the user's own code and frame, never fleetwright's internals. */
import { fleetProject, IMPORT_FLEETWRIGHT, runCli } from '../cli-process';

jest.setTimeout(120_000);

let project: { dir: string; cleanup: () => void };
beforeAll(
  () =>
    (project = fleetProject({
      'throws.ts': `import { Fleet } ${IMPORT_FLEETWRIGHT};\nconst fleet = new Fleet({ name: 'x' });\nconst cfg: { regions?: string[] } = {};\nexport default (() => {\n  if (!cfg.regions) throw new Error('regions must be configured');\n  return fleet;\n})();\n`,
      'typeerror.js': `exports.defineFleet = () => {\n  const clusters = undefined;\n  return clusters.map((c) => c);\n};\n`,
    })),
);
afterAll(() => project.cleanup());

test("a fleet module that throws: 'while loading fleet', its message and the user's own frame", () => {
  const r = runCli(['--fleet', 'throws.ts', 'targets'], { cwd: project.dir });
  expect(r.code).toBe(1);
  expect(r.out).toBe('');
  const lines = r.err.trimEnd().split('\n');
  expect(lines[0]).toBe('error: while loading fleet throws.ts: regions must be configured; fix the code that threw it (below)');
  expect(lines[1]).toMatch(/^ {4}at .*throws\.ts:5:\d+/);
  expect(lines).toHaveLength(2);
});

test('a JavaScript fleet function with a TypeError: the error name, the message and the frame in the module', () => {
  const r = runCli(['--fleet', 'typeerror.js', 'synth'], { cwd: project.dir });
  expect(r.code).toBe(1);
  expect(r.err).toMatch(
    /^error: while loading fleet typeerror\.js: TypeError: Cannot read properties of undefined \(reading 'map'\); fix the code that threw it \(below\)\n {4}at .*typeerror\.js:3:\d+/,
  );
  expect(r.err).not.toMatch(/lib\/cli|node_modules|node:internal/);
});
