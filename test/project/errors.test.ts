import { reportError } from '../../src/cli/main';
import { UsageError, UserCodeError, userFrame } from '../../src/project/errors';
import { FleetValidationError, Severity } from '../../src/model/errors';
import { clearRegisteredSecrets, registerSecret } from '../../src/model/redaction';

function capture(e: unknown, debug = false): { code: number; err: string } {
  let err = '';
  const code = reportError(e, { out: () => undefined, err: (t) => (err += t) }, debug);
  return { code, err };
}

afterEach(() => clearRegisteredSecrets());

test('an internal error says it is a bug and how to report it; the stack only with --debug', () => {
  const bug = new TypeError("Cannot read properties of undefined (reading 'x')");
  const plain = capture(bug);
  expect(plain.code).toBe(1);
  expect(plain.err).toBe(
    "internal error: Cannot read properties of undefined (reading 'x')\n" +
      'This is a bug in fleetwright, not in your fleet. Please report it with the output of the same command run with --debug.\n',
  );
  expect(capture(bug, true).err).toContain('    at ');
});

test('a user error is one line without a stack, even with --debug for the stack only', () => {
  expect(capture(new UsageError('--region x: no cluster is in this region; use one of a, b'))).toEqual({
    code: 1,
    err: 'error: --region x: no cluster is in this region; use one of a, b\n',
  });
});

test('validation problems are all printed, with the count', () => {
  const e = new FleetValidationError('f', [
    { severity: Severity.ERROR, subject: "cluster 'a'", message: 'first; fix it' },
    { severity: Severity.ERROR, subject: "cluster 'b'", message: 'second; fix it' },
  ]);
  const r = capture(e);
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/first; fix it\n.*second; fix it\n2 errors; nothing was written\n$/);
});

test('secrets are hidden in error messages and stacks', () => {
  registerSecret('s3cr3t-token-value');
  expect(capture(new Error('auth failed with s3cr3t-token-value')).err).toContain('internal error: auth failed with <redacted>');
});

test("userFrame skips Node's, dependencies' and fleetwright's frames", () => {
  const e = new Error('x');
  e.stack = [
    'Error: x',
    '    at Object.<anonymous> (/work/main/node_modules/tsx/dist/x.js:1:1)',
    '    at node:internal/modules/cjs/loader:1:1',
    `    at loadFleet (${__dirname.replace(/test\/project$/, 'src/project')}/load.js:3:3)`,
    '    at fleet (/home/team/fleet.ts:12:7)',
  ].join('\n');
  expect(userFrame(e)).toBe('fleet (/home/team/fleet.ts:12:7)');
  expect(new UserCodeError('/home/team/fleet.ts', e).message).toMatch(
    /^while loading fleet .*fleet\.ts: x; fix the code that threw it \(below\)\n {4}at fleet \(\/home\/team\/fleet\.ts:12:7\)$/,
  );
});
