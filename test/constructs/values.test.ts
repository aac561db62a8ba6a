import * as fc from 'fast-check';
import { JsonValue, mergeValues, valueAt, ValueLayer, Values } from '../../constructs';

const origin = (layer: ValueLayer, source: string) => ({ layer, source });

describe('mergeValues', () => {
  test('later layers win; maps merge key by key; arrays replace', () => {
    const { values, explained } = mergeValues([
      { origin: origin(ValueLayer.BUNDLE, 'web'), values: { replicas: 1, image: { repo: 'nginx', tag: '1.26' }, args: ['a', 'b'] } },
      { origin: origin(ValueLayer.OVERLAY, 'us-west'), values: { image: { tag: '1.27' }, args: ['c'] } },
      { origin: origin(ValueLayer.CLUSTER, 'edge-1'), values: { replicas: 5 } },
    ]);
    expect(values).toEqual({ replicas: 5, image: { repo: 'nginx', tag: '1.27' }, args: ['c'] });
    expect(explained).toEqual([
      { path: 'args', value: ['c'], origin: origin(ValueLayer.OVERLAY, 'us-west') },
      { path: 'image.repo', value: 'nginx', origin: origin(ValueLayer.BUNDLE, 'web') },
      { path: 'image.tag', value: '1.27', origin: origin(ValueLayer.OVERLAY, 'us-west') },
      { path: 'replicas', value: 5, origin: origin(ValueLayer.CLUSTER, 'edge-1') },
    ]);
  });

  test('null removes a key, as in Helm', () => {
    const { values, explained } = mergeValues([
      { origin: origin(ValueLayer.BUNDLE, 'b'), values: { a: { x: 1 }, keep: true } },
      { origin: origin(ValueLayer.GROUP, 'g'), values: { a: null } },
    ]);
    expect(values).toEqual({ keep: true });
    expect(explained.map((e) => e.path)).toEqual(['keep']);
  });

  test("a scalar replacing a map forgets the map's provenance", () => {
    const { explained } = mergeValues([
      { origin: origin(ValueLayer.BUNDLE, 'b'), values: { a: { x: 1 } } },
      { origin: origin(ValueLayer.CLUSTER, 'c'), values: { a: 'flat' } },
    ]);
    expect(explained).toEqual([{ path: 'a', value: 'flat', origin: origin(ValueLayer.CLUSTER, 'c') }]);
  });

  test('keys with dots are quoted in paths', () => {
    const { explained } = mergeValues([
      { origin: origin(ValueLayer.BUNDLE, 'b'), values: { labels: { 'app.kubernetes.io/name': 'web' } } },
    ]);
    expect(explained[0].path).toBe('labels."app.kubernetes.io/name"');
  });

  test('does not modify its inputs', () => {
    const base: Values = { a: { b: 1 } };
    mergeValues([
      { origin: origin(ValueLayer.BUNDLE, 'b'), values: base },
      { origin: origin(ValueLayer.CLUSTER, 'c'), values: { a: { b: 2 } } },
    ]);
    expect(base).toEqual({ a: { b: 1 } });
  });

  test('every leaf of the result is explained by the last layer that set it', () => {
    const leaf = fc.oneof(fc.integer(), fc.constantFrom('x', 'y'), fc.boolean());
    const tree: fc.Arbitrary<Values> = fc.letrec<{ t: Values }>((tie) => ({
      t: fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.oneof({ depthSize: 'small' }, leaf, tie('t')) as fc.Arbitrary<JsonValue>, {
        maxKeys: 3,
      }),
    })).t;
    fc.assert(
      fc.property(fc.array(tree, { minLength: 1, maxLength: 4 }), (layers) => {
        const { values, explained } = mergeValues(layers.map((v, i) => ({ origin: origin(ValueLayer.BUNDLE, `l${i}`), values: v })));
        for (const e of explained) {
          expect(valueAt(values, e.path, '__missing__' as JsonValue)).toEqual(e.value);
          const lastSetter = layers
            .map((l, i) => ({ l, i }))
            .filter(({ l }) => valueAt(l, e.path, '__missing__' as JsonValue) !== '__missing__');
          expect(lastSetter.length).toBeGreaterThan(0);
        }
      }),
    );
  });
});

test('valueAt reads dotted paths with a fallback', () => {
  expect(valueAt({ a: { b: 2 } }, 'a.b', 0)).toBe(2);
  expect(valueAt({ a: { b: 2 } }, 'a.c', 7)).toBe(7);
  expect(valueAt({ a: 1 }, 'a.b', 'x')).toBe('x');
});
