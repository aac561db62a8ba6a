import { byteOrder, canonicalJson, checkDnsLabel, checkLabelKey, checkLabels, checkLabelValue } from '../../src/model/names';

test('checkDnsLabel accepts DNS-1123 labels only', () => {
  expect(checkDnsLabel('edge-us-west-1')).toBeUndefined();
  expect(checkDnsLabel('Edge_1')).toMatch(/'Edge_1' is not a DNS-1123 label/);
  expect(checkDnsLabel('a'.repeat(64))).toMatch(/not a DNS-1123 label/);
});

test('label keys may have a DNS subdomain prefix', () => {
  expect(checkLabelKey('app.kubernetes.io/name')).toBeUndefined();
  expect(checkLabelKey('Bad_Prefix/name')).toMatch(/invalid prefix 'Bad_Prefix'/);
  expect(checkLabelKey('has space')).toMatch(/label key 'has space' is invalid/);
});

test('label values may be empty and at most 63 characters', () => {
  expect(checkLabelValue('k', '')).toBeUndefined();
  expect(checkLabelValue('k', 'v'.repeat(64))).toMatch(/label 'k' has invalid value/);
  expect(checkLabels({ ok: 'yes', 'bad key': 'x', k: '-x' })).toHaveLength(2);
});

test('canonicalJson sorts keys at every level and byteOrder ignores locale', () => {
  expect(canonicalJson({ b: 1, a: { d: 2, c: [{ z: 1, y: 2 }] } })).toBe('{"a":{"c":[{"y":2,"z":1}],"d":2},"b":1}');
  expect(['b', 'B', 'a'].sort(byteOrder)).toEqual(['B', 'a', 'b']);
});
