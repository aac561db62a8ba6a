import { Construct } from 'constructs';
import { Bundle } from '../../src/model/bundle';
import { ClusterGroup } from '../../src/model/cluster-group';
import { Cluster } from '../../src/model/cluster';
import { Fleet } from '../../src/model/fleet';
import { RegionOverlay } from '../../src/model/region-overlay';
import { JsonSchema } from '../../src/model/values-schema';
import { ValueLayer } from '../../src/model/values';
import { Source } from '../../src/sources/sources';
import { explain } from '../../src/synth/explain';
import { synthesizeFleet } from '../../src/synth/synth';
import { describeValuePath, splitValuePath } from '../../src/model/values-schema';
import { configMap, problemsOf, smallFleet } from '../util';

const schema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['image'],
  properties: {
    replicas: { type: 'integer', minimum: 1, description: 'Pods of the web Deployment' },
    image: { type: 'string', description: 'Container image, with tag' },
    logLevel: { type: 'string', enum: ['debug', 'info', 'warn'] },
    ingress: {
      type: 'object',
      description: 'How the app is reached',
      properties: {
        hosts: { type: 'array', items: { type: 'string', format: 'hostname' }, description: 'Host names' },
        annotations: { type: 'object', additionalProperties: { type: 'string', description: 'An ingress annotation' } },
      },
    },
  },
};

/** Clusters a (us-west, prod), b (us-west, dev), c (us-east, prod), and a bundle 'web' with `schema`. */
function webFleet(props: { values?: Bundle['values']; customizationValues?: Bundle['values'] } = {}): Fleet {
  const fleet = smallFleet();
  new Bundle(fleet, 'web', {
    values: props.values ?? { image: 'nginx:1.27', replicas: 1 },
    valuesSchema: schema,
    sources: [Source.objects([configMap('web')])],
    targets: [{ clusterSelector: {} }],
    targetCustomizations: [{ name: 'prod', clusterSelector: { matchLabels: { env: 'prod' } }, values: props.customizationValues ?? {} }],
  });
  return fleet;
}

describe('bundle valuesSchema', () => {
  test('valid values synthesize', () => {
    const fleet = webFleet({ customizationValues: { replicas: 3, ingress: { hosts: ['web.example.com'] } } });
    expect(synthesizeFleet(fleet).clusters).toHaveLength(3);
  });

  test('a value of the wrong type names cluster, bundle, path, the layer that set it, the expectation and the fix', () => {
    const fleet = webFleet({ customizationValues: { replicas: 'three' } });
    expect(problemsOf(() => synthesizeFleet(fleet))).toEqual(
      ['a', 'c'].map(
        (c) =>
          `error: bundle 'web' on cluster '${c}': value 'replicas' is "three" (from customization 'prod'), but the bundle's valuesSchema expects an integer; fix it in customization 'prod' or change the schema`,
      ),
    );
  });

  test('a missing required value says where it can be set', () => {
    const fleet = webFleet({ values: { replicas: 1 } });
    const problems = problemsOf(() => synthesizeFleet(fleet));
    expect(problems).toHaveLength(3);
    expect(problems[0]).toBe(
      "error: bundle 'web' on cluster 'a': value 'image' is missing, but the bundle's valuesSchema requires it; set it in the bundle's values or in a cluster group, region overlay, customization or cluster",
    );
  });

  test('a value the schema does not know (a typo) names the layer and the known values', () => {
    const fleet = smallFleet();
    new Cluster(new Construct(fleet, 'More'), 'd', { region: 'us-east', values: { replica: 2 } });
    new Bundle(fleet, 'web', {
      values: { image: 'nginx:1.27' },
      valuesSchema: schema,
      sources: [Source.objects([configMap('web')])],
      targets: [{ clusterName: 'd' }],
    });
    expect(problemsOf(() => synthesizeFleet(fleet))).toEqual([
      "error: bundle 'web' on cluster 'd': value 'replica' (from cluster 'd') is not in the bundle's valuesSchema (it knows 'replicas', 'image', 'logLevel', 'ingress'); remove it from cluster 'd', fix its name, or add it to the schema",
    ]);
  });

  test('nested values, array items and values set by groups and overlays name their layer', () => {
    const fleet = smallFleet();
    new ClusterGroup(fleet, 'west', { selector: { matchLabels: { env: 'dev' } }, values: { logLevel: 'verbose' } });
    new RegionOverlay(fleet, 'us-east', {
      values: { ingress: { hosts: ['ok.example.com', 'not a host!'], annotations: { 'x.io/y': 1 } } },
    });
    new Bundle(fleet, 'web', {
      values: { image: 'nginx:1.27' },
      valuesSchema: schema,
      sources: [Source.objects([configMap('web')])],
      targets: [{ clusterSelector: {} }],
    });
    expect(problemsOf(() => synthesizeFleet(fleet))).toEqual([
      `error: bundle 'web' on cluster 'b': value 'logLevel' is "verbose" (from cluster group 'west'), but the bundle's valuesSchema expects one of "debug", "info", "warn"; fix it in cluster group 'west' or change the schema`,
      `error: bundle 'web' on cluster 'c': value 'ingress.hosts[1]' is "not a host!" (from region overlay 'us-east'), but the bundle's valuesSchema expects a string in format "hostname"; fix it in region overlay 'us-east' or change the schema`,
      `error: bundle 'web' on cluster 'c': value 'ingress.annotations."x.io/y"' is 1 (from region overlay 'us-east'), but the bundle's valuesSchema expects a string; fix it in region overlay 'us-east' or change the schema`,
    ]);
  });

  test('rules such as minimum use their message; a map where the schema wants a scalar names every layer that set part of it', () => {
    const fleet = webFleet({ values: { image: 'nginx:1.27', replicas: 0 } });
    const problems = problemsOf(() => synthesizeFleet(fleet));
    expect(problems).toContain(
      "error: bundle 'web' on cluster 'a': value 'replicas' is 0 (from the values of bundle 'web'), but the bundle's valuesSchema says it must be >= 1; fix it in the values of bundle 'web' or change the schema",
    );
    const bad = smallFleet();
    new Cluster(new Construct(bad, 'More'), 'd', { region: 'us-east', values: { ingress: { annotations: { a: 'b' } } } });
    new Bundle(bad, 'web', {
      values: { image: 'nginx:1.27', ingress: { hosts: ['a.example.com'] } },
      valuesSchema: { ...schema, properties: { ...schema.properties, ingress: { type: 'string' } } },
      sources: [Source.objects([configMap('web')])],
      targets: [{ clusterName: 'd' }],
    });
    expect(problemsOf(() => synthesizeFleet(bad))).toEqual([
      `error: bundle 'web' on cluster 'd': value 'ingress' is {"hosts":["a.example.com"],"annotations":{"a":"b"}} (from the values of bundle 'web' and cluster 'd'), but the bundle's valuesSchema expects a string; fix it in the values of bundle 'web' or cluster 'd' or change the schema`,
    ]);
  });

  test('a bundle whose values are invalid on a cluster is not rendered there; every error is reported at once', () => {
    const rendered: string[] = [];
    const fleet = smallFleet();
    new Bundle(fleet, 'web', {
      values: { image: 'nginx:1.27' },
      valuesSchema: schema,
      sources: [Source.chart((_chart, ctx) => void rendered.push(`${ctx.cluster.name}:${String(ctx.values.replicas)}`))],
      targets: [{ clusterSelector: {} }],
      targetCustomizations: [{ name: 'dev', clusterSelector: { matchLabels: { env: 'dev' } }, values: { replicas: 'two' } }],
    });
    new Bundle(fleet, 'api', {
      values: { image: 7 },
      valuesSchema: schema,
      sources: [Source.objects([configMap('api')])],
      targets: [{ clusterName: 'c' }],
    });
    const problems = problemsOf(() => synthesizeFleet(fleet));
    expect(problems).toEqual([
      `error: bundle 'web' on cluster 'b': value 'replicas' is "two" (from customization 'dev'), but the bundle's valuesSchema expects an integer; fix it in customization 'dev' or change the schema`,
      `error: bundle 'api' on cluster 'c': value 'image' is 7 (from the values of bundle 'api'), but the bundle's valuesSchema expects a string; fix it in the values of bundle 'api' or change the schema`,
    ]);
    expect(rendered.some((r) => r.startsWith('b:'))).toBe(false);
  });

  test('a schema that is not valid JSON Schema is one error on the bundle saying to fix it', () => {
    const fleet = smallFleet();
    new Bundle(fleet, 'web', {
      valuesSchema: { type: 'object', properties: { replicas: { type: 'integer', minimun: 1 } as JsonSchema } },
      sources: [Source.objects([configMap('web')])],
      targets: [{ clusterSelector: {} }],
    });
    expect(problemsOf(() => synthesizeFleet(fleet))).toEqual([
      `error: bundle 'web': valuesSchema is not a valid JSON Schema (draft-07): strict mode: unknown keyword: "minimun"; fix the schema`,
    ]);
  });
});

describe('explain shows the schema description of each value', () => {
  test('descriptions of nested values, additionalProperties and $ref; none when the schema says nothing', () => {
    const fleet = smallFleet();
    new Bundle(fleet, 'web', {
      values: {
        image: 'nginx:1.27',
        logLevel: 'info',
        ingress: { hosts: ['web.example.com'], annotations: { 'nginx.io/rewrite': '/' } },
        port: 8080,
      },
      valuesSchema: {
        ...schema,
        definitions: { port: { type: 'integer', description: 'A TCP port' } },
        properties: { ...schema.properties, port: { $ref: '#/definitions/port' } },
      },
      sources: [Source.objects([configMap('web')])],
      targets: [{ clusterSelector: {} }],
    });
    const e = explain(fleet, 'a', 'web');
    expect(e.values.explained).toEqual([
      {
        path: 'image',
        value: 'nginx:1.27',
        origin: { layer: ValueLayer.BUNDLE, source: 'web' },
        description: 'Container image, with tag',
      },
      {
        path: 'ingress.annotations."nginx.io/rewrite"',
        value: '/',
        origin: { layer: ValueLayer.BUNDLE, source: 'web' },
        description: 'An ingress annotation',
      },
      { path: 'ingress.hosts', value: ['web.example.com'], origin: { layer: ValueLayer.BUNDLE, source: 'web' }, description: 'Host names' },
      { path: 'logLevel', value: 'info', origin: { layer: ValueLayer.BUNDLE, source: 'web' } },
      { path: 'port', value: 8080, origin: { layer: ValueLayer.BUNDLE, source: 'web' }, description: 'A TCP port' },
    ]);
  });

  test('a bundle without valuesSchema has no descriptions', () => {
    const fleet = smallFleet();
    new Bundle(fleet, 'web', { values: { a: 1 }, sources: [Source.objects([])], targets: [{ clusterSelector: {} }] });
    expect(explain(fleet, 'a', 'web').values.explained).toEqual([
      { path: 'a', value: 1, origin: { layer: ValueLayer.BUNDLE, source: 'web' } },
    ]);
  });

  test('describeValuePath looks through patternProperties and allOf', () => {
    const s: JsonSchema = {
      allOf: [{ properties: { db: { properties: { host: { type: 'string', description: 'Database host' } } } } }],
      patternProperties: { '^feature-': { type: 'boolean', description: 'A feature flag' } },
    };
    expect(describeValuePath(s, 'db.host')).toBe('Database host');
    expect(describeValuePath(s, 'feature-x')).toBe('A feature flag');
    expect(describeValuePath(s, 'nope')).toBeUndefined();
  });

  test('splitValuePath reads the paths explain prints', () => {
    expect(splitValuePath('image.tag')).toEqual(['image', 'tag']);
    expect(splitValuePath('labels."app.kubernetes.io/name"')).toEqual(['labels', 'app.kubernetes.io/name']);
    expect(splitValuePath('"a\\"b".c')).toEqual(['a"b', 'c']);
  });
});
