import { JsonPatch } from 'cdk8s';
import { parse } from 'yaml';
import { Bundle, BundleProps } from '../../src/model/bundle';
import { ClusterGroup } from '../../src/model/cluster-group';
import { Cluster, ClusterProps } from '../../src/model/cluster';
import { FleetValidationError } from '../../src/model/errors';
import { Fleet, FleetProps } from '../../src/model/fleet';
import { Kubeconfig } from '../../src/model/kubeconfig';
import { placementMatrix } from '../../src/model/placement';
import { RegionOverlay } from '../../src/model/region-overlay';
import { ClusterCount } from '../../src/model/rollout';
import { assertValidFleetProps, checkFleetProps } from '../../src/model/validate';
import { Source } from '../../src/sources/sources';
import { synthesizeFleet } from '../../src/synth/synth';
import { configBundle, configMap, problemsOf, smallFleet } from '../util';

/** Props as untyped code passes them: JavaScript, YAML, JSON, casts. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Untyped = any;

/** Every error line of a fleet's synthesis. */
const errorsOf = (fleet: Fleet): string[] => problemsOf(() => synthesizeFleet(fleet)).filter((p) => p.startsWith('error'));

describe('selectors', () => {
  test("clusterSelector: 'env=prod' is an error naming bundle, path, value and the selector to write; the bundle goes nowhere", () => {
    const fleet = smallFleet();
    configBundle(fleet, 'web', { targets: [{ name: 'prod', clusterSelector: 'env=prod' as Untyped }] });
    expect(errorsOf(fleet)).toEqual([
      "error: bundle 'web': targets[0].clusterSelector is 'env=prod' (a string), but must be a label selector object with matchLabels and/or matchExpressions; a selector is not a string: write { matchLabels: { env: 'prod' } }",
    ]);
    // Before: a string selector matched every cluster, so a prod-only bundle landed on dev.
    expect(placementMatrix(fleet).filter((c) => c.placement.deployed)).toEqual([]);
  });

  test('a selector string with several labels gets them all in the fix', () => {
    const fleet = smallFleet();
    new ClusterGroup(fleet, 'west', { selector: 'env=prod, region==us-west' as Untyped });
    configBundle(fleet, 'b');
    expect(errorsOf(fleet)).toEqual([
      "error: cluster group 'west': selector is 'env=prod, region==us-west' (a string), but must be a label selector object with matchLabels and/or matchExpressions; a selector is not a string: write { matchLabels: { env: 'prod', region: 'us-west' } }",
    ]);
  });

  test('an unknown matchExpressions operator is an error with the valid operators, not a crash', () => {
    const fleet = smallFleet();
    configBundle(fleet, 'web', {
      targets: [{ clusterSelector: { matchExpressions: [{ key: 'env', operator: 'Equals' as Untyped, values: ['prod'] }] } }],
      targetCustomizations: [{ name: 'p', clusterGroupSelector: { matchExpressions: [{ key: 'env', operator: 'in' as Untyped }] } }],
    });
    expect(errorsOf(fleet)).toEqual([
      "error: bundle 'web': targets[0].clusterSelector.matchExpressions[0].operator is 'Equals' (a string), but must be one of 'In', 'NotIn', 'Exists' or 'DoesNotExist'; use 'In' with values: [...]",
      "error: bundle 'web': targetCustomizations[0].clusterGroupSelector.matchExpressions[0].operator is 'in' (a string), but must be one of 'In', 'NotIn', 'Exists' or 'DoesNotExist'; write 'In' (operators are case-sensitive)",
    ]);
    expect(() => placementMatrix(fleet)).not.toThrow();
  });

  test('an unknown operator in a rollout partition or group selector is reported where it is', () => {
    const fleet = new Fleet({
      name: 'edge',
      rolloutStrategy: {
        partitions: [{ name: 'canary', clusterSelector: { matchExpressions: [{ key: 'env', operator: 'Exist' as Untyped }] } }],
      },
    });
    new Cluster(fleet, 'a', { region: 'us-west' });
    new ClusterGroup(fleet, 'g', { selector: { matchLabels: { env: 3 as Untyped } } });
    configBundle(fleet, 'b');
    expect(errorsOf(fleet)).toEqual([
      "error: fleet 'edge': rolloutStrategy.partitions[0].clusterSelector.matchExpressions[0].operator is 'Exist' (a string), but must be one of 'In', 'NotIn', 'Exists' or 'DoesNotExist'; did you mean 'Exists'?",
      "error: cluster group 'g': selector.matchLabels.env is 3 (a number), but must be a string label value such as 'prod'; quote it: '3'",
    ]);
  });

  test('a selector requirement with a missing key or non-list values says what to write', () => {
    const fleet = smallFleet();
    configBundle(fleet, 'b', { targets: [{ clusterSelector: { matchExpressions: [{ operator: 'In', values: 'prod' } as Untyped] } }] });
    expect(errorsOf(fleet)).toEqual([
      "error: bundle 'b': targets[0].clusterSelector.matchExpressions[0].key is missing, but must be a label key such as 'env'",
      "error: bundle 'b': targets[0].clusterSelector.matchExpressions[0].values is 'prod' (a string), but must be a list of strings such as ['prod']",
    ]);
  });
});

describe('clusters', () => {
  test('a cluster without a region is an error with the fix, and nothing is synthesized (was dist/undefined/)', () => {
    const fleet = smallFleet();
    new Cluster(fleet, 'edge-9', { labels: { env: 'dev' } } as Untyped as ClusterProps);
    configBundle(fleet, 'b');
    expect(errorsOf(fleet)).toEqual([
      "error: cluster 'edge-9': region is missing, but must be the region the cluster runs in (a DNS-1123 label such as 'us-west'); add region: 'us-west' (every cluster needs one: it picks the region overlay and stack)",
    ]);
  });

  test('wrong types: a number for a string, a number label value', () => {
    const fleet = new Fleet({ name: 'edge' });
    new Cluster(fleet, 'a', { region: 1 as Untyped, labels: { tier: 2 as Untyped } });
    new Cluster(fleet, 'b', { region: 'us-west', labels: 'env=prod' as Untyped });
    configBundle(fleet, 'x');
    expect(errorsOf(fleet)).toEqual([
      "error: cluster 'a': region is 1 (a number), but must be the region the cluster runs in (a DNS-1123 label such as 'us-west'); quote it: '1'",
      "error: cluster 'a': labels.tier is 2 (a number), but must be a string label value such as 'prod'; quote it: '2'",
      "error: cluster 'b': labels is 'env=prod' (a string), but must be a map of label keys to string values, such as { env: 'prod' }",
    ]);
  });

  test('a misspelled prop is an error with the right spelling', () => {
    const fleet = smallFleet();
    new Cluster(fleet, 'd', { region: 'us-west', lables: { env: 'prod' } } as Untyped as ClusterProps);
    configBundle(fleet, 'b');
    expect(errorsOf(fleet)).toEqual([
      "error: cluster 'd': lables is not a property of a cluster (did you mean 'labels'?); the properties are name, region, labels, kubeconfig, values: rename it to 'labels'",
    ]);
  });

  test('kubeconfig must be a reference, never the kubeconfig itself (whose contents are not printed)', () => {
    const fleet = smallFleet();
    new Cluster(fleet, 'k1', { region: 'us-west', kubeconfig: 'apiVersion: v1\nkind: Config\nusers: [{ token: s3cr3t }]' as Untyped });
    new Cluster(fleet, 'k2', { region: 'us-west', kubeconfig: './k2.kubeconfig' as Untyped });
    new Cluster(fleet, 'k3', { region: 'us-west', kubeconfig: Kubeconfig.fromFile('') });
    new Cluster(fleet, 'k4', { region: 'us-west', kubeconfig: Kubeconfig.fromEnv('KUBECONFIG-K4') });
    configBundle(fleet, 'b');
    const errors = errorsOf(fleet);
    expect(errors).toEqual([
      "error: cluster 'k1': kubeconfig is a string of 54 characters, but must be a kubeconfig reference (Kubeconfig.fromStackConfig(), Kubeconfig.fromFile(path) or Kubeconfig.fromEnv(variable)); never the kubeconfig itself: keep it in the stack config (pulumi config set --secret) and use Kubeconfig.fromStackConfig()",
      "error: cluster 'k2': kubeconfig is './k2.kubeconfig' (a string), but must be a kubeconfig reference (Kubeconfig.fromStackConfig(), Kubeconfig.fromFile(path) or Kubeconfig.fromEnv(variable)); for a file write Kubeconfig.fromFile('./k2.kubeconfig')",
      "error: cluster 'k3': kubeconfig is Kubeconfig.fromFile(''), but needs a file path; pass the kubeconfig file's path, e.g. Kubeconfig.fromFile('./edge-1.kubeconfig')",
      "error: cluster 'k4': kubeconfig is Kubeconfig.fromEnv('KUBECONFIG-K4'), but an environment variable name is letters, digits and '_', not starting with a digit; e.g. Kubeconfig.fromEnv('KUBECONFIG_EDGE_1')",
    ]);
    expect(errors.join('\n')).not.toContain('s3cr3t');
  });

  test('no props at all, from JavaScript', () => {
    const fleet = new (Fleet as Untyped)() as Fleet;
    new (Cluster as Untyped)(fleet, 'a');
    expect(checkFleetProps(fleet).map((p) => `${p.subject}: ${p.message}`)).toEqual([
      "fleet '': props is missing, but must be the fleet's properties, an object such as { name: 'edge' }",
      "cluster 'a': props is missing, but must be the cluster's properties, an object such as { region: 'us-west', labels: { env: 'prod' } }",
    ]);
  });

  test('props that are not an object', () => {
    const fleet = smallFleet();
    new Cluster(fleet, 'z', 'us-west' as Untyped);
    configBundle(fleet, 'b');
    expect(errorsOf(fleet)).toEqual([
      "error: cluster 'z': props is 'us-west' (a string), but must be the cluster's properties, an object such as { region: 'us-west', labels: { env: 'prod' } }",
    ]);
  });
});

describe('bundles', () => {
  test('a misspelled target criterion is not silently ignored', () => {
    const fleet = smallFleet();
    configBundle(fleet, 'web', { targets: [{ clusterSelecter: { matchLabels: { env: 'prod' } } } as Untyped] });
    expect(errorsOf(fleet)).toEqual([
      "error: bundle 'web': targets[0].clusterSelecter is not a property of a bundle target (did you mean 'clusterSelector'?); the properties are name, clusterName, clusterSelector, clusterGroup, clusterGroupSelector, doNotDeploy: rename it to 'clusterSelector'",
    ]);
  });

  test('a misspelled bundle prop, with and without a close match', () => {
    const fleet = smallFleet();
    new Bundle(fleet, 'web', { sources: [], target: [{ clusterSelector: {} }], colour: 'blue' } as Untyped as BundleProps);
    expect(errorsOf(fleet)).toEqual([
      "error: bundle 'web': target is not a property of a bundle (did you mean 'targets'?); the properties are name, sources, defaultNamespace, namespace, labels, dependsOn, values, targets, targetCustomizations, targetCustomizationMode, valuesSchema: rename it to 'targets'",
      "error: bundle 'web': colour is not a property of a bundle; the properties are name, sources, defaultNamespace, namespace, labels, dependsOn, values, targets, targetCustomizations, targetCustomizationMode, valuesSchema: fix the spelling or remove it",
    ]);
  });

  test('booleans and enums of the wrong type say what to write', () => {
    const fleet = smallFleet();
    configBundle(fleet, 'web', {
      targets: [{ clusterName: 'a', doNotDeploy: 'true' as Untyped }, { clusterSelector: {} }],
      targetCustomizationMode: 'allMatches' as Untyped,
    });
    expect(errorsOf(fleet)).toEqual([
      "error: bundle 'web': targets[0].doNotDeploy is 'true' (a string), but must be true or false; write true without quotes",
      "error: bundle 'web': targetCustomizationMode is 'allMatches' (a string), but must be TargetCustomizationMode.FIRST_MATCH ('FirstMatch') or TargetCustomizationMode.ALL_MATCHES ('AllMatches'); write 'AllMatches'",
    ]);
  });

  test('sources, dependsOn and patches of the wrong kind say how to make the right one', () => {
    const fleet = smallFleet();
    new Bundle(fleet, 'web', {
      sources: ['manifests/web' as Untyped],
      dependsOn: [42 as Untyped],
      targets: [{ clusterSelector: {} }],
      targetCustomizations: [
        {
          name: 'prod',
          clusterSelector: { matchLabels: { env: 'prod' } },
          patches: [{ kind: 'Deployment', ops: [{ op: 'replace', path: '/spec/replicas', value: 3 } as Untyped] }],
        },
      ],
    });
    expect(errorsOf(fleet)).toEqual([
      "error: bundle 'web': sources[0] is 'manifests/web' (a string), but must be a bundle source: Source.chart(), Source.yaml(), Source.objects(), Source.helm(), Source.kustomize() or an object with description and render(); for a folder or file of YAML write Source.yaml('manifests/web')",
      "error: bundle 'web': dependsOn[0] is 42 (a number), but must be a bundle name or a Bundle; e.g. dependsOn: ['web'] or dependsOn: [webBundle]",
      "error: bundle 'web': targetCustomizations[0].patches[0].ops[0] is an object with keys op, path, value, but must be a JsonPatch operation from cdk8s (JsonPatch.add(), replace(), remove(), copy(), move() or test()); write JsonPatch.replace('/spec/replicas', 3)",
    ]);
  });

  test('a valuesSchema is accepted as an object and refused otherwise', () => {
    const ok = smallFleet();
    configBundle(ok, 'web', { valuesSchema: { type: 'object' } } as Untyped as BundleProps);
    expect(checkFleetProps(ok)).toEqual([]);
    const bad = smallFleet();
    configBundle(bad, 'web', { valuesSchema: 'schema.json' } as Untyped as BundleProps);
    expect(checkFleetProps(bad).map((p) => p.message)).toEqual([
      "valuesSchema is 'schema.json' (a string), but must be a JSON Schema object such as { type: 'object' }",
    ]);
  });

  test('a bundle whose props are invalid is not checked further (one error, not a cascade)', () => {
    const fleet = smallFleet();
    new Bundle(fleet, 'Bad_Name', { targets: 'all' as Untyped, dependsOn: ['ghost'] });
    expect(errorsOf(fleet)).toEqual([
      "error: bundle 'Bad_Name': targets is 'all' (a string), but must be a list of targets; e.g. targets: [{ clusterSelector: {} }] for every cluster",
    ]);
  });
});

describe('values that are not JSON', () => {
  test('functions, class instances and cycles are errors at their path, in every layer', () => {
    const circular: Record<string, unknown> = { image: {} };
    (circular.image as Record<string, unknown>).parent = circular;
    const fleet = new Fleet({ name: 'edge' });
    new Cluster(fleet, 'a', { region: 'us-west', values: { when: new Date(0) } as Untyped });
    new ClusterGroup(fleet, 'g', { selector: {}, values: { f: () => 3 } as Untyped });
    new RegionOverlay(fleet, 'us-west', { values: { n: NaN } });
    configBundle(fleet, 'web', {
      values: circular as Untyped,
      targetCustomizations: [{ name: 'p', clusterSelector: {}, values: { list: [1, undefined] } as Untyped }],
    });
    expect(errorsOf(fleet)).toEqual([
      "error: cluster 'a': values.when is an instance of Date, which is not JSON; convert it to a string, number or plain object (e.g. date.toISOString())",
      "error: cluster group 'g': values.f is a function, which is not JSON; compute the value before passing it (values hold strings, numbers, booleans, null, arrays and plain objects)",
      "error: region overlay 'us-west': values.n is NaN, which is not JSON; use a finite number or a string",
      "error: bundle 'web': values.image.parent is circular: it refers back to values, so the tree never ends; values must be a tree: put a copy there (structuredClone) instead of the object itself",
      "error: bundle 'web': targetCustomizations[0].values.list[1] is undefined, which is not JSON; remove the key, or set it to null to remove an inherited value",
    ]);
  });

  test('values that are not a map', () => {
    const fleet = smallFleet();
    configBundle(fleet, 'web', { values: ['replicas', 3] as Untyped });
    expect(errorsOf(fleet)).toEqual([
      "error: bundle 'web': values is an array of 2, but must be a map of values (a plain object such as { replicas: 3 })",
    ]);
  });
});

describe('the fleet and its rollout', () => {
  test('a fleet without a name, and rollout counts given as numbers', () => {
    const fleet = new Fleet({
      rolloutStrategy: { maxUnavailable: 2, autoPartitionSize: '25%', autoPartitionThreshold: '100' },
    } as Untyped as FleetProps);
    new Cluster(fleet, 'a', { region: 'us-west' });
    configBundle(fleet, 'b');
    expect(errorsOf(fleet)).toEqual([
      "error: fleet '': name is missing, but must be the fleet name (a DNS-1123 label such as 'edge')",
      "error: fleet '': rolloutStrategy.maxUnavailable is 2 (a number), but must be a ClusterCount (ClusterCount.of(n) or ClusterCount.percent(p)); write ClusterCount.of(2)",
      "error: fleet '': rolloutStrategy.autoPartitionSize is '25%' (a string), but must be a ClusterCount (ClusterCount.of(n) or ClusterCount.percent(p)); write ClusterCount.percent(25)",
      "error: fleet '': rolloutStrategy.autoPartitionThreshold is '100' (a string), but must be a whole number of clusters, 1 or more, such as 200; write 100 without quotes",
    ]);
  });

  test('out-of-range counts', () => {
    const fleet = new Fleet({
      name: 'edge',
      rolloutStrategy: { maxUnavailable: ClusterCount.percent(150), autoPartitionSize: ClusterCount.of(-1) },
    });
    new Cluster(fleet, 'a', { region: 'us-west' });
    expect(checkFleetProps(fleet).map((p) => p.message)).toEqual([
      'rolloutStrategy.maxUnavailable is ClusterCount.percent(150), but a percentage must be between 0 and 100',
      'rolloutStrategy.autoPartitionSize is ClusterCount.of(-1), but the count must be a whole number, 0 or more',
    ]);
  });
});

describe('the boundary', () => {
  test('a fleet built from YAML is checked like any other, every problem at once', () => {
    const data = parse(`
clusters:
  - { name: edge-1, region: us-west, labels: { env: prod } }
  - { name: edge-2, labels: { env: dev } }
bundles:
  - name: prod-only
    targets: [{ clusterSelector: env=prod }]
  - name: web
    targets: [{ clusterSelector: {}, doNotDeploy: "no" }]
`) as { clusters: Untyped[]; bundles: Untyped[] };
    const fleet = new Fleet({ name: 'yaml' });
    for (const c of data.clusters) new Cluster(fleet, c.name, c);
    for (const b of data.bundles) new Bundle(fleet, b.name, { ...b, sources: [Source.objects([configMap(b.name)])] });
    const e = (() => {
      try {
        synthesizeFleet(fleet);
      } catch (err) {
        return err as FleetValidationError;
      }
      throw new Error('expected a FleetValidationError');
    })();
    expect(e).toBeInstanceOf(FleetValidationError);
    expect(e.problems.map((p) => `${p.subject}: ${p.message.split(',')[0]}`)).toEqual([
      "cluster 'edge-2': region is missing",
      "bundle 'prod-only': targets[0].clusterSelector is 'env=prod' (a string)",
      "bundle 'web': targets[0].doNotDeploy is 'no' (a string)",
    ]);
  });

  test('checkFleetProps and assertValidFleetProps report prop problems without synthesizing', () => {
    const fleet = smallFleet();
    configBundle(fleet, 'web', { targets: [{ clusterSelector: 'env=prod' as Untyped }] });
    expect(checkFleetProps(fleet)).toHaveLength(1);
    expect(() => assertValidFleetProps(fleet)).toThrow(
      /fleet 'test' has 1 error; nothing was synthesized:\n {2}error: bundle 'web': targets\[0\]\.clusterSelector is 'env=prod'/,
    );
    expect(() => assertValidFleetProps(smallFleet())).not.toThrow();
  });

  test('valid props of every kind raise nothing', () => {
    const fleet = new Fleet({
      name: 'edge',
      rolloutStrategy: {
        partitions: [
          {
            name: 'canary',
            clusterSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['dev'] }] },
            maxUnavailable: ClusterCount.of(1),
          },
        ],
        maxUnavailable: ClusterCount.percent(50),
        autoPartitionThreshold: 100,
      },
    });
    const a = new Cluster(fleet, 'a', {
      region: 'us-west',
      labels: { env: 'dev' },
      kubeconfig: Kubeconfig.fromEnv('KUBECONFIG_A'),
      values: { x: [1, { y: null }] },
    });
    new ClusterGroup(fleet, 'g', { clusters: [a], labels: { region: 'us-west' }, values: {} });
    new RegionOverlay(fleet, 'us-west', {
      imageRegistry: 'mirror.example.com',
      annotations: { note: 'x' },
      patches: [{ kind: 'ConfigMap', ops: [JsonPatch.add('/data/region', 'us-west')] }],
    });
    const base = configBundle(fleet, 'base');
    configBundle(fleet, 'web', {
      dependsOn: [base, 'base'],
      defaultNamespace: 'web',
      targets: [{ name: 'all', clusterGroup: 'g', doNotDeploy: false }],
      targetCustomizations: [
        { name: 'dev', clusterSelector: { matchLabels: { env: 'dev' } }, values: { replicas: 1 }, namespace: 'web-dev' },
      ],
    });
    expect(checkFleetProps(fleet)).toEqual([]);
    expect(() => synthesizeFleet(fleet)).not.toThrow();
  });
});
