import { KubeObject } from '../../src/model/objects';
import {
  clearRegisteredSecrets,
  isSecretText,
  maskSecretValues,
  redact,
  REDACTED,
  redactText,
  registerKubeconfig,
  registerSecret,
  registerSecretsOf,
  secretStrings,
} from '../../src/model/redaction';

const secret = (data: Record<string, string>, stringData: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 's' },
  data,
  stringData,
});

afterEach(() => clearRegisteredSecrets());

test('a Secret at top level and inside (nested) Lists is redacted; other objects are returned as they are', () => {
  const s = secret({ a: Buffer.from('plain-one').toString('base64') }, { b: 'plain-two' });
  expect(redact(s)).toMatchObject({ data: { a: REDACTED }, stringData: { b: REDACTED } });
  const list: KubeObject = {
    apiVersion: 'v1',
    kind: 'List',
    metadata: { name: 'l' },
    items: [{ apiVersion: 'v1', kind: 'List', items: [s] }],
  };
  expect(JSON.stringify(redact(list))).not.toMatch(/plain-|cGxhaW4t/);
  const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'x' } };
  expect(redact(cm)).toBe(cm);
  // Not a core Secret: a CRD's kind named Secret in another group keeps its fields.
  const other: KubeObject = { apiVersion: 'example.com/v1', kind: 'Secret', metadata: { name: 'o' }, data: { a: 'x' } };
  expect(redact(other)).toBe(other);
});

test("a Secret's strings are known as written and base64-decoded, and hidden in any text", () => {
  const s = secret({ a: Buffer.from('decoded-value-1').toString('base64') }, { b: 'string-value-2' });
  expect(secretStrings(s)).toEqual([Buffer.from('decoded-value-1').toString('base64'), 'decoded-value-1', 'string-value-2']);
  registerSecretsOf(s);
  expect(redactText('error near decoded-value-1 and string-value-2 in line 3')).toBe(`error near ${REDACTED} and ${REDACTED} in line 3`);
});

test('longest secrets are hidden first; very short ones are not searched in text', () => {
  registerSecret('abcd');
  registerSecret('abcdefgh');
  registerSecret('ab');
  expect(redactText('abcdefgh ab abcd')).toBe(`${REDACTED} ab ${REDACTED}`);
});

test('a multi-line secret is hidden whole and by its long lines, not by short common ones', () => {
  registerSecret('apiVersion: v1\nkey: 0123456789abcdef0123456789\n}');
  expect(redactText('line: key: 0123456789abcdef0123456789')).toBe(`line: ${REDACTED}`);
  expect(redactText('apiVersion: v1')).toBe('apiVersion: v1');
});

test("a kubeconfig's credentials are hidden, its ordinary lines are not", () => {
  registerKubeconfig(
    ['apiVersion: v1', 'kind: Config', 'users:', '- name: admin', '  user:', '    token: tok-SECRET-123', '    client-key-data: S0VZ'].join(
      '\n',
    ),
  );
  expect(redactText('Unauthorized: token tok-SECRET-123 rejected; kind: Config')).toBe(
    `Unauthorized: token ${REDACTED} rejected; kind: Config`,
  );
  expect(redactText('S0VZ')).toBe(REDACTED);
});

test('values that are, or are part of, a secret are masked for explain', () => {
  registerSecret('user:hunter2-pass');
  expect(isSecretText('hunter2-pass')).toBe(true);
  expect(maskSecretValues({ a: 'hunter2-pass', b: ['x', 'user:hunter2-pass'], c: 3, d: 'public' })).toEqual({
    a: REDACTED,
    b: ['x', REDACTED],
    c: 3,
    d: 'public',
  });
});

test('credentials nobody registered are masked by their shape', () => {
  expect(redactText('token: abc.def-123 and password="pa55word" then Authorization: Bearer eyJhbGciOiJIUzI1NiJ9')).toBe(
    `token: ${REDACTED} and password="${REDACTED}" then Authorization: Bearer ${REDACTED}`,
  );
  expect(redactText('-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----')).toBe('<redacted RSA PRIVATE KEY>');
  expect(redactText('a Secret with key password: <redacted>')).toBe('a Secret with key password: <redacted>');
});
