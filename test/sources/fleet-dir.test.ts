import * as path from 'node:path';
import { FleetValidationError } from '../../src/model/errors';
import { BundleContext, SourceError } from '../../src/model/source';
import { fleetBundleName, mergePatch, readFleetYaml, templateValues } from '../../src/sources/fleet-dir';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'fleet-bundles');
const ctx: BundleContext = {
  cluster: { name: 'edge-1', region: 'eu', labels: { env: 'prod', 'topology.kubernetes.io/zone': 'a' } },
  bundle: 'b',
  namespace: 'ns',
  values: {},
};

test('bundle names follow Fleet: lower-case DNS labels of at most 53 characters', () => {
  expect(fleetBundleName('My_Bundle.v2')).toBe('my-bundle-v2');
  expect(fleetBundleName('-x-')).toBe('x');
  expect(fleetBundleName('a'.repeat(60))).toHaveLength(53);
});

test('merge patches merge named list items by name and delete with null', () => {
  const base = {
    spec: {
      containers: [
        { name: 'a', image: 'a:1' },
        { name: 'b', image: 'b:1' },
      ],
      paused: true,
    },
  };
  expect(
    mergePatch(base, {
      spec: {
        containers: [
          { name: 'b', image: 'b:2' },
          { name: 'c', image: 'c:1' },
        ],
        paused: null,
      },
    }),
  ).toEqual({
    spec: {
      containers: [
        { name: 'a', image: 'a:1' },
        { name: 'b', image: 'b:2' },
        { name: 'c', image: 'c:1' },
      ],
    },
  });
  expect(mergePatch({ args: ['a', 'b'] }, { args: ['c'] })).toEqual({ args: ['c'] });
});

test("Helm values templating: cluster labels, name and namespace, as Fleet's controller does", () => {
  expect(
    templateValues(
      {
        a: '${ .ClusterName }',
        b: 'global.fleet.clusterLabels.env',
        c: ['${ index .ClusterLabels "topology.kubernetes.io/zone" }'],
        d: '${.ClusterNamespace}-x',
      },
      ctx,
      's',
    ),
  ).toEqual({ a: 'edge-1', b: 'prod', c: ['a'], d: 'ns-x' });
});

test('templating refuses what it cannot evaluate and labels the cluster lacks', () => {
  expect(() => templateValues('${ .ClusterLabels.tier }', ctx, 's')).toThrow(
    new SourceError('s', "${ .ClusterLabels.tier }: cluster edge-1 has no label 'tier'"),
  );
  expect(() => templateValues('${ upper .ClusterName }', ctx, 's')).toThrow(/is a template fleetwright does not evaluate/);
});

test('fleet.yaml: unknown keys are errors with lines; install options are noted as ignored', () => {
  expect(() => readFleetYaml(path.join(FIXTURES, 'errors', 'bad-keys'))).toThrow(FleetValidationError);
  const spec = readFleetYaml(path.join(FIXTURES, 'raw-overlays'));
  expect(spec.targetCustomizations.map((t) => t.name)).toEqual(['prod', 'test']);
  expect(spec.ignored).toEqual([]);
});

test('fleet.yaml with invalid YAML names the line', () => {
  let message = '';
  try {
    readFleetYaml(path.join(FIXTURES, 'errors', 'bad-yaml'));
  } catch (e) {
    message = (e as FleetValidationError).problems.map((p) => p.message).join('\n');
  }
  expect(message).toMatch(
    /^line 4: Flow sequence in block collection must be sufficiently indented and end with a \]; fix the YAML syntax$/m,
  );
});
