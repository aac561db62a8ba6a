import * as fc from 'fast-check';
import { LabelSelector } from '../../src/model/selector';
import {
  BundleTarget,
  ClusterFacts,
  DISPLAY_NAME_LABEL,
  placeBundle,
  TargetCriteria,
  TargetCustomization,
  TargetCustomizationMode,
  targetMatches,
  targetNames,
} from '../../src/model/targeting';

const cluster: ClusterFacts = {
  name: 'edge-1',
  labels: { env: 'prod', region: 'us-west', [DISPLAY_NAME_LABEL]: 'Edge One' },
  groups: [{ name: 'west', labels: { region: 'us-west' } }],
};

describe('targetMatches', () => {
  test('an entry without criteria matches nothing', () => {
    expect(targetMatches({}, cluster)).toBe(false);
    expect(targetMatches({ clusterName: '', clusterGroup: '' }, cluster)).toBe(false);
  });

  test('clusterSelector {} matches every cluster', () => {
    expect(targetMatches({ clusterSelector: {} }, cluster)).toBe(true);
  });

  test('empty-string criteria are ignored', () => {
    expect(targetMatches({ clusterName: '', clusterSelector: { matchLabels: { env: 'prod' } } }, cluster)).toBe(true);
  });

  test('clusterName matches the name or the display-name label', () => {
    expect(targetMatches({ clusterName: 'edge-1' }, cluster)).toBe(true);
    expect(targetMatches({ clusterName: 'Edge One' }, cluster)).toBe(true);
    expect(targetMatches({ clusterName: 'edge-2' }, cluster)).toBe(false);
  });

  test('clusterGroup and clusterGroupSelector match any group of the cluster', () => {
    expect(targetMatches({ clusterGroup: 'west' }, cluster)).toBe(true);
    expect(targetMatches({ clusterGroup: 'east' }, cluster)).toBe(false);
    expect(targetMatches({ clusterGroupSelector: { matchLabels: { region: 'us-west' } } }, cluster)).toBe(true);
    expect(targetMatches({ clusterGroupSelector: { matchLabels: { region: 'us-east' } } }, cluster)).toBe(false);
  });

  test('criteria are ANDed', () => {
    expect(targetMatches({ clusterGroup: 'west', clusterSelector: { matchLabels: { env: 'dev' } } }, cluster)).toBe(false);
    expect(targetMatches({ clusterGroup: 'west', clusterSelector: { matchLabels: { env: 'prod' } } }, cluster)).toBe(true);
  });
});

describe('placeBundle', () => {
  const FIRST = TargetCustomizationMode.FIRST_MATCH;
  const ALL = TargetCustomizationMode.ALL_MATCHES;

  test('first matching target wins', () => {
    const p = placeBundle(
      [
        { name: 'dev', clusterSelector: { matchLabels: { env: 'dev' } } },
        { name: 'prod', clusterSelector: { matchLabels: { env: 'prod' } } },
        { name: 'all', clusterSelector: {} },
      ],
      [],
      FIRST,
      cluster,
    );
    expect(p).toMatchObject({ deployed: true, target: 'prod', customizationNames: [] });
  });

  test('a doNotDeploy target excludes the cluster', () => {
    expect(
      placeBundle([{ name: 'skip', clusterName: 'edge-1', doNotDeploy: true }, { clusterSelector: {} }], [], FIRST, cluster),
    ).toMatchObject({
      deployed: false,
      reason: "target 'skip' has doNotDeploy",
    });
  });

  test('customizations never widen the targets', () => {
    const p = placeBundle(
      [{ name: 'dev', clusterSelector: { matchLabels: { env: 'dev' } } }],
      [{ name: 'c', clusterSelector: {} }],
      FIRST,
      cluster,
    );
    expect(p.deployed).toBe(false);
    expect(p.reason).toMatch(/no target matches: dev \[clusterSelector\(env=dev\)\]/);
  });

  test('FirstMatch applies only the first matching customization; AllMatches applies all in order', () => {
    const customizations: TargetCustomization[] = [
      { name: 'region', clusterSelector: { matchLabels: { region: 'us-west' } } },
      { name: 'nomatch', clusterName: 'other' },
      { name: 'env', clusterSelector: { matchLabels: { env: 'prod' } } },
    ];
    expect(placeBundle([{ clusterSelector: {} }], customizations, FIRST, cluster).customizationNames).toEqual(['region']);
    expect(placeBundle([{ clusterSelector: {} }], customizations, ALL, cluster).customizationNames).toEqual(['region', 'env']);
  });

  test('a broader customization listed before a doNotDeploy one wins under FirstMatch', () => {
    const customizations = [
      { name: 'broad', clusterSelector: {} },
      { name: 'skip', clusterName: 'edge-1', doNotDeploy: true },
    ];
    expect(placeBundle([{ clusterSelector: {} }], customizations, FIRST, cluster).deployed).toBe(true);
    expect(placeBundle([{ clusterSelector: {} }], customizations, ALL, cluster)).toMatchObject({
      deployed: false,
      reason: "customization 'skip' has doNotDeploy",
    });
  });

  test('unnamed entries are named target000… customizations first, as Fleet does', () => {
    expect(targetNames([{ clusterSelector: {} }], [{ clusterSelector: {} }, { name: 'x', clusterSelector: {} }])).toEqual({
      customizations: ['target000'],
      targets: ['target001', 'x'],
    });
  });

  test('a bundle without targets goes nowhere', () => {
    expect(placeBundle([], [], FIRST, cluster)).toMatchObject({ deployed: false, reason: 'the bundle has no targets' });
  });
});

describe('targeting properties', () => {
  const keys = fc.constantFrom('env', 'region', 'tier');
  const values = fc.constantFrom('a', 'b', 'c');
  const labelsArb = fc.dictionary(keys, values);
  const selectorArb: fc.Arbitrary<LabelSelector> = fc.record({ matchLabels: fc.dictionary(keys, values) }, { requiredKeys: [] });
  const clusterArb: fc.Arbitrary<ClusterFacts> = fc.record({
    name: fc.constantFrom('c1', 'c2', 'c3'),
    labels: labelsArb,
    groups: fc.array(fc.record({ name: fc.constantFrom('g1', 'g2'), labels: labelsArb }), { maxLength: 2 }),
  });
  const criteriaArb: fc.Arbitrary<TargetCriteria> = fc.record(
    {
      clusterName: fc.constantFrom('', 'c1', 'c2'),
      clusterSelector: selectorArb,
      clusterGroup: fc.constantFrom('', 'g1', 'g2'),
      clusterGroupSelector: selectorArb,
    },
    { requiredKeys: [] },
  );
  const targetArb: fc.Arbitrary<BundleTarget> = fc.tuple(criteriaArb, fc.boolean()).map(([c, d]) => ({ ...c, doNotDeploy: d }));

  test('an entry matches exactly when each of its criteria alone matches (criteria are ANDed)', () => {
    fc.assert(
      fc.property(criteriaArb, clusterArb, (t, c) => {
        const single: TargetCriteria[] = [];
        if (t.clusterName) single.push({ clusterName: t.clusterName });
        if (t.clusterSelector) single.push({ clusterSelector: t.clusterSelector });
        if (t.clusterGroup) single.push({ clusterGroup: t.clusterGroup });
        if (t.clusterGroupSelector) single.push({ clusterGroupSelector: t.clusterGroupSelector });
        const expected = single.length > 0 && single.every((s) => targetMatches(s, c));
        expect(targetMatches(t, c)).toBe(expected);
      }),
    );
  });

  test('the chosen target is the first matching one', () => {
    fc.assert(
      fc.property(fc.array(targetArb, { maxLength: 5 }), clusterArb, (targets, c) => {
        const p = placeBundle(targets, [], TargetCustomizationMode.FIRST_MATCH, c);
        const first = targets.findIndex((t) => targetMatches(t, c));
        expect(p.deployed).toBe(first >= 0 && !targets[first].doNotDeploy);
        if (first >= 0) expect(p.target).toBe(targetNames([], targets).targets[first]);
      }),
    );
  });

  test('customizations never deploy a bundle to a cluster no target selects', () => {
    fc.assert(
      fc.property(
        fc.array(targetArb, { maxLength: 3 }),
        fc.array(targetArb, { maxLength: 3 }),
        clusterArb,
        fc.boolean(),
        (targets, customizations, c, all) => {
          const mode = all ? TargetCustomizationMode.ALL_MATCHES : TargetCustomizationMode.FIRST_MATCH;
          const p = placeBundle(targets, customizations, mode, c);
          if (p.deployed) expect(targets.some((t) => targetMatches(t, c) && !t.doNotDeploy)).toBe(true);
        },
      ),
    );
  });

  test('FirstMatch applies the first of the customizations AllMatches applies', () => {
    fc.assert(
      fc.property(fc.array(targetArb, { maxLength: 4 }), clusterArb, (customizations, c) => {
        const target = [{ clusterSelector: {} }];
        const first = placeBundle(target, customizations, TargetCustomizationMode.FIRST_MATCH, c);
        const all = placeBundle(target, customizations, TargetCustomizationMode.ALL_MATCHES, c);
        expect(first.customizations).toEqual(all.customizations.slice(0, 1));
        if (all.deployed) expect(first.deployed).toBe(true);
      }),
    );
  });
});
