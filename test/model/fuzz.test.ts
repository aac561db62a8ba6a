/**
 * Fuzzing bad input with fast-check: fleet.yaml contents, selectors and values. The property is
 * always the same: the code returns, or throws one of fleetwright's user errors with a message;
 * never a TypeError, RangeError or other crash, never a message with `[object Object]`, and never
 * slowly (each run is timed).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { Bundle } from '../../src/model/bundle';
import { ClusterGroup } from '../../src/model/cluster-group';
import { Cluster } from '../../src/model/cluster';
import { FleetError, FleetValidationError } from '../../src/model/errors';
import { Fleet } from '../../src/model/fleet';
import { placementMatrix, rolloutPlan } from '../../src/model/placement';
import { maskSecretValues } from '../../src/model/redaction';
import { RegionOverlay } from '../../src/model/region-overlay';
import { SourceError } from '../../src/model/source';
import { valueAt } from '../../src/model/values';
import { fleetDirectoryProps, readFleetYaml } from '../../src/sources/fleet-dir';
import { Source } from '../../src/sources/sources';
import { explain } from '../../src/synth/explain';
import { synthesizeFleet } from '../../src/synth/synth';
import { tmpDir } from '../util';

jest.setTimeout(60_000);

/** FUZZ_SEED and FUZZ_RUNS (a multiplier) replay a failure or search longer. */
const runs = (n: number): fc.Parameters<unknown> => ({
  numRuns: Math.round(n * Number(process.env.FUZZ_RUNS ?? 1)),
  ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
});

/** The errors fleetwright throws for bad input. */
const USER_ERRORS = [FleetValidationError, FleetError, SourceError] as const;

/** Slowest run of each property, for the time budget. */
const slowest: Record<string, number> = {};
/** How the runs of each property ended (`ok` or the error's name): the generators must reach both. */
const outcomes: Record<string, Record<string, number>> = {};

/**
 * Runs `fn`: it may return or throw a user error with a message; anything else fails the property
 * with the error's stack. Times the run.
 */
function returnsOrUserError(property: string, fn: () => void): void {
  const started = performance.now();
  const count = (outcome: string): void => {
    outcomes[property] ??= {};
    outcomes[property][outcome] = (outcomes[property][outcome] ?? 0) + 1;
  };
  try {
    fn();
    count('ok');
  } catch (e) {
    count(e instanceof Error ? e.name : typeof e);
    const known = USER_ERRORS.some((E) => e instanceof E);
    if (!known) throw new Error(`not a user error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    const message = (e as Error).message;
    if (message.trim() === '') throw new Error(`${(e as Error).name} without a message`);
    if (message.includes('[object Object]')) throw new Error(`message shows [object Object]: ${message}`);
  } finally {
    const ms = performance.now() - started;
    slowest[property] = Math.max(slowest[property] ?? 0, ms);
  }
}

afterAll(() => {
  if (process.env.FUZZ_STATS) process.stderr.write(`${JSON.stringify({ outcomes, slowest }, null, 2)}\n`);
  // No single run comes near a hang: nothing blows up on small input (the machine may be busy, hence the margin).
  const slow = Object.entries(slowest).filter(([, ms]) => ms > 5_000);
  expect(slow).toEqual([]);
  // Each property saw inputs that work and inputs that are refused.
  for (const [property, seen] of Object.entries(outcomes)) {
    expect([property, seen.ok ?? 0]).not.toEqual([property, 0]);
    expect([property, Object.keys(seen).length]).not.toEqual([property, 1]);
  }
});

// ---------------------------------------------------------------------------------------------
// fleet.yaml

const TOP_KEYS = ['name', 'labels', 'dependsOn', 'targetCustomizationMode', 'targetCustomizations', 'targets', 'helm', 'kustomize', 'yaml'];
const OPTION_KEYS = ['helm', 'kustomize', 'yaml', 'defaultNamespace', 'namespace'];
const TARGET_KEYS = ['name', 'clusterName', 'clusterSelector', 'clusterGroup', 'clusterGroupSelector', 'doNotDeploy', ...OPTION_KEYS];
const HELM_KEYS = ['chart', 'repo', 'version', 'releaseName', 'values', 'valuesFiles', 'templateValues'];
const IGNORED = ['correctDrift', 'diff', 'paused', 'namespaceLabels', 'rolloutStrategy'];

const shortString = fc.string({ maxLength: 12 });
/** Leaves that mean something somewhere in a fleet.yaml, and random ones. */
const leaf = fc.oneof(
  shortString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(
    'FirstMatch',
    'AllMatches',
    'prod',
    'env=prod',
    '.',
    '..',
    './chart',
    'chart.tgz',
    'https://charts.example.com/x.tgz',
    'oci://registry/x',
    '${ .ClusterName }',
    '${ .ClusterLabels.env }',
    '${ .Values.x }',
    'global.fleet.clusterLabels.env',
    'In',
    'NotIn',
    'Exists',
    'Equals',
  ),
);
const anyKey = (real: readonly string[]): fc.Arbitrary<string> => fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...real) }, shortString);
const { tree } = fc.letrec<{ tree: unknown; arr: unknown[]; map: Record<string, unknown> }>((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('arr'), tie('map')),
  arr: fc.array(tie('tree'), { maxLength: 4 }),
  map: fc.dictionary(
    anyKey([...TOP_KEYS, ...TARGET_KEYS, ...HELM_KEYS, 'matchLabels', 'matchExpressions', 'key', 'operator', 'values', 'dir', 'overlays']),
    tie('tree'),
    {
      maxKeys: 5,
    },
  ),
}));
const selector = fc.oneof(
  tree,
  fc.record(
    {
      matchLabels: fc.oneof(fc.dictionary(anyKey(['env', 'region', 'bad key!']), fc.oneof(shortString, leaf)), tree),
      matchExpressions: fc.oneof(
        fc.array(
          fc.record(
            {
              key: fc.oneof(fc.constantFrom('env', 'region', ''), leaf),
              operator: leaf,
              values: fc.oneof(fc.array(shortString, { maxLength: 3 }), tree),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 3 },
        ),
        tree,
      ),
    },
    { requiredKeys: [] },
  ),
);
const helm = fc.oneof(
  fc.dictionary(anyKey([...HELM_KEYS, 'valuesFrom', 'atomic']), fc.oneof(tree, fc.dictionary(shortString, tree)), { maxKeys: 4 }),
  tree,
);
const options = {
  helm,
  kustomize: fc.oneof(fc.record({ dir: fc.oneof(fc.constantFrom('.', 'overlays/prod', 'nope'), leaf) }, { requiredKeys: [] }), tree),
  yaml: fc.oneof(
    fc.record({ overlays: fc.oneof(fc.array(fc.constantFrom('prod', 'nope', '../x'), { maxLength: 3 }), tree) }, { requiredKeys: [] }),
    tree,
  ),
  defaultNamespace: fc.oneof(fc.constantFrom('apps', 'Bad_NS'), leaf),
  namespace: fc.oneof(fc.constantFrom('apps', 'Bad_NS'), leaf),
};
const target = fc.oneof(
  fc.record(
    {
      name: fc.oneof(fc.constantFrom('prod', 'dev', 'prod'), leaf),
      clusterName: fc.oneof(fc.constant('c1'), leaf),
      clusterSelector: selector,
      clusterGroup: fc.oneof(fc.constant('g'), leaf),
      clusterGroupSelector: selector,
      doNotDeploy: fc.oneof(fc.boolean(), leaf),
      ...options,
    },
    { requiredKeys: [] },
  ),
  fc.dictionary(anyKey([...TARGET_KEYS, ...IGNORED]), tree, { maxKeys: 4 }),
  tree,
);
/** A fleet.yaml as a value: shaped like one, or anything at all. */
const fleetYamlValue = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record(
      {
        name: fc.oneof(fc.constantFrom('app', 'Bad Name'), leaf),
        labels: fc.oneof(fc.dictionary(shortString, shortString, { maxKeys: 3 }), tree),
        dependsOn: fc.oneof(
          fc.array(fc.oneof(fc.record({ name: fc.oneof(fc.constantFrom('app', 'other'), leaf) }), tree), { maxLength: 3 }),
          tree,
        ),
        targetCustomizationMode: fc.oneof(fc.constantFrom('FirstMatch', 'AllMatches'), leaf),
        targetCustomizations: fc.oneof(fc.array(target, { maxLength: 4 }), tree),
        targets: fc.oneof(fc.array(target, { maxLength: 3 }), tree),
        ...options,
      },
      { requiredKeys: [] },
    ),
  },
  fc.dictionary(anyKey([...TOP_KEYS, ...OPTION_KEYS, ...IGNORED]), tree, { maxKeys: 6 }),
  fc.anything({ maxDepth: 3 }),
);
/** Text that is mostly broken YAML: fragments of its syntax, in random order. */
const yamlish = fc
  .array(
    fc.constantFrom(
      'helm:',
      'targetCustomizations:',
      'clusterSelector:',
      'yaml:',
      ' overlays: [prod]',
      'name: x',
      '\n',
      '\n  ',
      '  ',
      '- ',
      '{',
      '}',
      '[',
      ']',
      ': ',
      ', ',
      '&a ',
      '*a',
      '*b',
      '&a [x, x, x, x, x, x, x, x, x, x]\n',
      '[*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      '!!binary ',
      '!!str ',
      '!custom ',
      '? ',
      '|\n',
      '>-\n',
      '"',
      "'",
      '# c',
      '---\n',
      '...\n',
      '%YAML 1.2\n',
      '\t',
      '\u0000',
      '\ufeff',
      '<<: *a',
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(''));
const fleetYamlText = fc.oneof(
  { weight: 5, arbitrary: fleetYamlValue.map((v) => stringify(v) ?? '') },
  { weight: 2, arbitrary: yamlish },
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 100 }),
);

describe('fleet.yaml', () => {
  let tmp: { dir: string; cleanup: () => void };
  let n = 0;
  beforeAll(() => (tmp = tmpDir('fleetwright-fuzz-')));
  afterAll(() => tmp.cleanup());

  /** A fresh bundle folder: the fleet.yaml, a ConfigMap, an overlay `prod` and a patch. */
  function bundleFolder(fleetYaml: string, patch: string): string {
    const dir = path.join(tmp.dir, `b${n++}`);
    fs.mkdirSync(path.join(dir, 'overlays', 'prod'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'fleet.yaml'), fleetYaml);
    fs.writeFileSync(path.join(dir, 'a.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n');
    fs.writeFileSync(path.join(dir, 'overlays', 'prod', 'a_patch.yaml'), patch);
    return dir;
  }

  test('readFleetYaml, fleetDirectoryProps and synthesis return or throw a user error', () => {
    fc.assert(
      fc.property(
        fleetYamlText,
        fc.oneof(
          fc.constant('data:\n  k: w\n'),
          fleetYamlValue.map((v) => stringify(v) ?? ''),
          yamlish,
        ),
        (text, patch) => {
          const dir = bundleFolder(text, patch);
          try {
            returnsOrUserError('fleet.yaml', () => {
              readFleetYaml(dir);
              // eslint-disable-next-line @typescript-eslint/no-unused-vars
              const { ignored, ...props } = fleetDirectoryProps(dir, { targets: [{ name: 'all', clusterSelector: {} }] });
              const fleet = new Fleet({ name: 'fuzz' });
              const clusters = new Construct(fleet, 'Clusters');
              new Cluster(clusters, 'c1', { region: 'r', labels: { env: 'prod' } });
              new Cluster(clusters, 'c2', { region: 'r', labels: { env: 'dev' } });
              new ClusterGroup(fleet, 'g', { selector: { matchLabels: { env: 'prod' } } });
              new Bundle(fleet, 'app', props);
              synthesizeFleet(fleet);
            });
          } finally {
            fs.rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      runs(200),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Selectors

/** Anything a JavaScript fleet could put where a selector belongs. */
const selectorish = fc.oneof(
  { weight: 3, arbitrary: selector },
  fc.jsonValue({ maxDepth: 3 }),
  fc.string(),
  fc.anything({ maxDepth: 2, withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true }),
);

/** A small fleet with `selector` in every place a selector goes, one place at a time or all at once. */
function fleetWithSelector(sel: unknown, where: number): Fleet {
  const fleet = new Fleet({ name: 'fuzz' });
  const clusters = new Construct(fleet, 'Clusters');
  new Cluster(clusters, 'c1', { region: 'r', labels: { env: 'prod', region: 'r' } });
  new Cluster(clusters, 'c2', { region: 'r', labels: { env: 'dev' } });
  const any = sel as never;
  new ClusterGroup(fleet, 'g', { selector: where === 0 || where === 4 ? any : { matchLabels: { env: 'prod' } } });
  new Bundle(fleet, 'app', {
    sources: [Source.objects([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'v' } }])],
    targets: [
      where === 1 || where === 4 ? { name: 'sel', clusterSelector: any } : { name: 'all', clusterSelector: {} },
      ...(where === 2 || where === 4 ? [{ name: 'grp', clusterGroupSelector: any }] : []),
    ],
    targetCustomizations: where === 3 || where === 4 ? [{ name: 'cust', clusterSelector: any, values: { x: 1 } }] : [],
  });
  return fleet;
}

describe('selectors', () => {
  test('anything where a selector belongs: building, synthesis, placement, explain and rollout return or throw a user error', () => {
    fc.assert(
      fc.property(selectorish, fc.integer({ min: 0, max: 4 }), (sel, where) => {
        returnsOrUserError('selectors', () => {
          const fleet = fleetWithSelector(sel, where);
          synthesizeFleet(fleet);
        });
        // What the CLI runs on a fleet whose props are valid, and what a library user may call on any fleet.
        returnsOrUserError('selectors', () => {
          const fleet = fleetWithSelector(sel, where);
          placementMatrix(fleet);
          explain(fleet, 'c1', 'app');
          rolloutPlan(fleet);
        });
      }),
      runs(200),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Values

/** JSON values, and things that only look like values. */
const valuesish = fc.oneof(
  { weight: 3, arbitrary: fc.dictionary(shortString, fc.jsonValue({ maxDepth: 4 }), { maxKeys: 8 }) },
  fc.jsonValue({ maxDepth: 6 }),
  fc.anything({
    maxDepth: 4,
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withTypedArray: true,
    withSparseArray: true,
    withBoxedValues: true,
    withObjectString: true,
  }),
  // Deep: a chain of maps or arrays, around the depth limit.
  fc.tuple(fc.integer({ min: 1, max: 400 }), fc.boolean()).map(([depth, arrays]) => {
    let v: unknown = 'leaf';
    for (let i = 0; i < depth; i++) v = arrays ? [v] : { k: v };
    return { deep: v };
  }),
  // Big: many keys.
  fc
    .integer({ min: 1_000, max: 10_000 })
    .map((size) => ({ big: Object.fromEntries(Array.from({ length: size }, (_, i) => [`k${i}`, i])) })),
  // Circular.
  fc.constant(null).map(() => {
    const v: Record<string, unknown> = { a: 1 };
    v.self = { again: v };
    return v;
  }),
);

function fleetWithValues(layers: readonly unknown[]): Fleet {
  const v = (i: number): never => layers[i % layers.length] as never;
  const fleet = new Fleet({ name: 'fuzz' });
  const clusters = new Construct(fleet, 'Clusters');
  new Cluster(clusters, 'c1', { region: 'r', labels: { env: 'prod' }, values: v(0) });
  new Cluster(clusters, 'c2', { region: 'r', labels: { env: 'dev' } });
  new ClusterGroup(fleet, 'g', { selector: { matchLabels: { env: 'prod' } }, values: v(1) });
  new RegionOverlay(fleet, 'r', { values: v(2) });
  new Bundle(fleet, 'app', {
    values: v(3),
    sources: [
      Source.chart((chart, ctx) => {
        new ApiObject(chart, 'cm', {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'cm' },
          data: {
            replicas: String(valueAt(ctx.values, 'replicas', 1)),
            deep: JSON.stringify(valueAt(ctx.values, 'deep', null)).slice(0, 50),
          },
        });
      }),
    ],
    targets: [{ name: 'all', clusterSelector: {} }],
    targetCustomizations: [{ name: 'prod', clusterSelector: { matchLabels: { env: 'prod' } }, values: v(4) }],
  });
  return fleet;
}

describe('values', () => {
  test('any value in any layer: synthesis and explain return or throw a user error', () => {
    fc.assert(
      fc.property(fc.array(valuesish, { minLength: 1, maxLength: 5 }), (layers) => {
        returnsOrUserError('values', () => {
          const fleet = fleetWithValues(layers);
          synthesizeFleet(fleet);
        });
        returnsOrUserError('values', () => {
          const fleet = fleetWithValues(layers);
          maskSecretValues(explain(fleet, 'c1', 'app').values.explained);
        });
      }),
      runs(100),
    );
  });
});
