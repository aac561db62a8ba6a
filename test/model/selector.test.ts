import { checkSelector, formatSelector, selectorMatches } from '../../src/model/selector';

describe('selectorMatches', () => {
  const labels = { env: 'prod', region: 'us-west' };

  test('an empty selector matches every label set', () => {
    expect(selectorMatches({}, labels)).toBe(true);
    expect(selectorMatches({}, {})).toBe(true);
  });

  test('matchLabels and matchExpressions are ANDed', () => {
    expect(
      selectorMatches({ matchLabels: { env: 'prod' }, matchExpressions: [{ key: 'region', operator: 'In', values: ['us-west'] }] }, labels),
    ).toBe(true);
    expect(
      selectorMatches({ matchLabels: { env: 'prod' }, matchExpressions: [{ key: 'region', operator: 'In', values: ['us-east'] }] }, labels),
    ).toBe(false);
  });

  test('each operator follows Kubernetes semantics', () => {
    expect(selectorMatches({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'missing', operator: 'NotIn', values: ['x'] }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'env', operator: 'Exists' }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'missing', operator: 'In', values: ['x'] }] }, labels)).toBe(false);
  });

  test('an unknown operator (only possible from untyped code, which validation reports) selects nothing instead of throwing', () => {
    expect(selectorMatches({ matchExpressions: [{ key: 'env', operator: 'NotEquals' as 'In', values: ['dev'] }] }, labels)).toBe(false);
  });
});

describe('checkSelector', () => {
  test('accepts a valid selector', () => {
    expect(checkSelector({ matchLabels: { env: 'prod' }, matchExpressions: [{ key: 'region', operator: 'Exists' }] })).toEqual([]);
  });

  test('fails for In without values, Exists with values, bad keys and unknown operators', () => {
    expect(
      checkSelector({
        matchLabels: { 'bad key': 'x' },
        matchExpressions: [
          { key: 'a', operator: 'In' },
          { key: 'b', operator: 'Exists', values: ['x'] },
          { key: 'c', operator: 'Like' as 'In', values: ['x'] },
        ],
      }),
    ).toEqual([
      expect.stringMatching(/label key 'bad key' is invalid/),
      expect.stringMatching(/operator 'In' on key 'a' needs at least one value/),
      expect.stringMatching(/operator 'Exists' on key 'b' takes no values/),
      expect.stringMatching(/unknown operator 'Like' on key 'c'; use In, NotIn, Exists or DoesNotExist/),
    ]);
  });
});

test('formatSelector prints selectors like kubectl', () => {
  expect(formatSelector({})).toBe('{} (everything)');
  expect(
    formatSelector({
      matchLabels: { env: 'prod' },
      matchExpressions: [
        { key: 'r', operator: 'In', values: ['a', 'b'] },
        { key: 's', operator: 'NotIn', values: ['c'] },
        { key: 't', operator: 'Exists' },
        { key: 'u', operator: 'DoesNotExist' },
      ],
    }),
  ).toBe('env=prod,r in (a,b),s notin (c),t,!u');
});
