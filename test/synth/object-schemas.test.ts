import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { ApiObject, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Deployment as DeploymentModel } from 'kubernetes-models/apps/v1/Deployment';
import { Bundle } from '../../src/model/bundle';
import { Cluster } from '../../src/model/cluster';
import { Fleet } from '../../src/model/fleet';
import { KubeObject } from '../../src/model/objects';
import { RegionOverlay } from '../../src/model/region-overlay';
import { Source } from '../../src/sources/sources';
import { synthFiles } from '../../src/synth/output';
import { synthesizeFleet } from '../../src/synth/synth';
import { generateFleet } from '../../bench/synth/generate';
import { ProblemList } from '../../src/model/errors';
import { kubeFieldPath, ObjectSchemas } from '../../src/synth/object-schemas';
import { problemsOf, smallFleet, tmpDir } from '../util';

/** A valid Deployment; `spec` entries replace the defaults. */
function deployment(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } },
      ...spec,
    },
  };
}

/** A CRD of `widgets.example.com` (kind Widget, version v1) with a small structural schema. */
function widgetCrd(scope: 'Namespaced' | 'Cluster' = 'Namespaced'): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope,
      names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  required: ['size'],
                  properties: {
                    size: { type: 'integer', minimum: 1 },
                    port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
                    mode: { type: 'string', enum: ['fast', 'safe'] },
                    note: { type: 'string' },
                    extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                  },
                },
              },
            },
          },
        },
      ],
    },
  };
}

const widget = (name: string, spec: Record<string, unknown>, apiVersion = 'example.com/v1'): KubeObject => ({
  apiVersion,
  kind: 'Widget',
  metadata: { name },
  spec,
});

function oneCluster(): Fleet {
  const fleet = new Fleet({ name: 'test' });
  new Cluster(fleet, 'a', { region: 'us-west', labels: { env: 'prod' } });
  return fleet;
}

const everywhere = [{ clusterSelector: {} }];

describe('Kubernetes objects are checked against their schemas', () => {
  test('a built-in kind with a field of the wrong type is an error naming cluster, bundle, object, field, expectation and fix', () => {
    const fleet = oneCluster();
    new Bundle(fleet, 'web', {
      defaultNamespace: 'web',
      sources: [Source.objects([deployment('app', { replicas: 'three' })])],
      targets: everywhere,
    });
    expect(problemsOf(() => synthesizeFleet(fleet))).toEqual([
      "error: bundle 'web' on cluster 'a': Deployment web/app: field spec.replicas is \"three\", but the Kubernetes 1.33 schema of apps/v1 Deployment expects an integer; fix the value in its source (objects)",
    ]);
  });

  test('objects from a YAML file name the file as the place to fix', () => {
    const { dir, cleanup } = tmpDir();
    try {
      const file = path.join(dir, 'app.yaml');
      fs.writeFileSync(
        file,
        [
          'apiVersion: apps/v1',
          'kind: Deployment',
          'metadata: { name: app, namespace: shop }',
          'spec:',
          '  replicas: three',
          '  selector: { matchLabels: { app: app } }',
          '  template:',
          '    metadata: { labels: { app: app } }',
          '    spec: { containers: [{ name: main, image: "nginx:1.27", ports: [{ containerPort: "80" }] }] }',
          '',
        ].join('\n'),
      );
      const fleet = oneCluster();
      new Bundle(fleet, 'shop', { sources: [Source.yaml(file)], targets: everywhere });
      const problems = problemsOf(() => synthesizeFleet(fleet));
      expect(problems).toHaveLength(2);
      expect(problems[0]).toBe(
        `error: bundle 'shop' on cluster 'a': Deployment shop/app: field spec.replicas is "three", but the Kubernetes 1.33 schema of apps/v1 Deployment expects an integer; fix the value in its source (yaml ${file})`,
      );
      expect(problems[1]).toContain('Deployment shop/app: field spec.template.spec.containers[0].ports[0].containerPort is "80"');
      expect(problems[1]).toContain('expects an integer; fix the value in its source (yaml');
    } finally {
      cleanup();
    }
  });

  test('objects from a cdk8s chart name the chart', () => {
    const fleet = oneCluster();
    new Bundle(fleet, 'web', {
      sources: [
        Source.chart(
          (chart) =>
            new ApiObject(chart, 'svc', {
              apiVersion: 'v1',
              kind: 'Service',
              metadata: { name: 'web' },
              spec: { ports: [{ port: 'http' }] },
            }),
          'frontend',
        ),
      ],
      targets: everywhere,
    });
    expect(problemsOf(() => synthesizeFleet(fleet))).toEqual([
      "error: bundle 'web' on cluster 'a': Service default/web: field spec.ports[0].port is \"http\", but the Kubernetes 1.33 schema of v1 Service expects an integer; fix the value in its source (chart frontend)",
    ]);
  });

  test('a missing required field says to set it', () => {
    const fleet = oneCluster();
    const broken = deployment('app');
    delete (broken.spec as Record<string, unknown>).selector;
    new Bundle(fleet, 'web', { sources: [Source.objects([broken])], targets: everywhere });
    expect(problemsOf(() => synthesizeFleet(fleet))).toEqual([
      "error: bundle 'web' on cluster 'a': Deployment default/app: field spec.selector is missing, but the Kubernetes 1.33 schema of apps/v1 Deployment requires it; set it in its source (objects)",
    ]);
  });

  test('an int-or-string field lists both types', () => {
    const fleet = oneCluster();
    new Bundle(fleet, 'web', {
      sources: [Source.objects([deployment('app', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: true } } })])],
      targets: everywhere,
    });
    expect(problemsOf(() => synthesizeFleet(fleet))).toEqual([
      "error: bundle 'web' on cluster 'a': Deployment default/app: field spec.strategy.rollingUpdate.maxSurge is true, but the Kubernetes 1.33 schema of apps/v1 Deployment expects a string or an integer; fix the value in its source (objects)",
    ]);
  });

  test('every error of every object on every cluster is reported at once, and nothing is synthesized', () => {
    const fleet = smallFleet();
    new Bundle(fleet, 'web', {
      sources: [
        Source.objects([
          deployment('one', { replicas: 'three' }),
          deployment('two', { paused: 'no' }),
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { port: 8080 } },
        ]),
      ],
      targets: everywhere,
    });
    const problems = problemsOf(() => synthesizeFleet(fleet));
    expect(problems).toHaveLength(9);
    for (const cluster of ['a', 'b', 'c']) {
      expect(problems).toContain(
        `error: bundle 'web' on cluster '${cluster}': Deployment default/one: field spec.replicas is "three", but the Kubernetes 1.33 schema of apps/v1 Deployment expects an integer; fix the value in its source (objects)`,
      );
      expect(problems).toContain(
        `error: bundle 'web' on cluster '${cluster}': Deployment default/two: field spec.paused is "no", but the Kubernetes 1.33 schema of apps/v1 Deployment expects a boolean; fix the value in its source (objects)`,
      );
      expect(problems).toContain(
        `error: bundle 'web' on cluster '${cluster}': ConfigMap default/cfg: field data.port is 8080, but the Kubernetes 1.33 schema of v1 ConfigMap expects a string; fix the value in its source (objects)`,
      );
    }
  });

  test('a value set by a patch points at the patch too', () => {
    const fleet = smallFleet();
    new RegionOverlay(fleet, 'us-west', { patches: [{ kind: 'Deployment', ops: [JsonPatch.replace('/spec/replicas', 'many')] }] });
    new Bundle(fleet, 'web', { sources: [Source.objects([deployment('app')])], targets: everywhere });
    expect(problemsOf(() => synthesizeFleet(fleet))).toEqual(
      ['a', 'b'].map(
        (c) =>
          `error: bundle 'web' on cluster '${c}': Deployment default/app: field spec.replicas is "many", but the Kubernetes 1.33 schema of apps/v1 Deployment expects an integer; fix the value in its source (objects) or the patch that sets it`,
      ),
    );
  });

  test('Secrets are checked with their real data, and the message does not show it', () => {
    const fleet = oneCluster();
    new Bundle(fleet, 'creds', {
      sources: [
        Source.objects([
          { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'good' }, data: { password: Buffer.from('hunter2').toString('base64') } },
          { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bad' }, data: { password: 'hunter2!' } },
        ]),
      ],
      targets: everywhere,
    });
    const problems = problemsOf(() => synthesizeFleet(fleet));
    expect(problems).toEqual([
      "error: bundle 'creds' on cluster 'a': Secret default/bad: field data.password has an invalid value (not shown: Secret data), but the Kubernetes 1.33 schema of v1 Secret expects a string in format \"byte\"; base64-encode it (or move it to stringData) in its source (objects)",
    ]);
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  test('a valid Secret synthesizes although its written (redacted) data is not base64', () => {
    const fleet = oneCluster();
    new Bundle(fleet, 'creds', {
      sources: [Source.objects([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { token: 'c2VjcmV0' } }])],
      targets: everywhere,
    });
    expect(synthFiles(synthesizeFleet(fleet)).get('us-west/a/creds.yaml')).toContain('token: <redacted>');
  });

  test('kinds with no schema (no CRD in the fleet, unknown API group) are not checked and not warned about', () => {
    const fleet = oneCluster();
    new Bundle(fleet, 'ext', {
      sources: [
        Source.objects([
          { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'tls' }, spec: { duration: 5 } },
          { apiVersion: 'apps/v1', kind: 'Rollout', metadata: { name: 'r' }, spec: { replicas: 'x' } },
        ]),
      ],
      targets: everywhere,
    });
    expect(synthesizeFleet(fleet).warnings).toEqual([]);
  });
});

describe('custom resources are checked against the CRD of the same cluster', () => {
  test('fields of the wrong type, enums, int-or-string and required fields are errors naming the CRD', () => {
    const fleet = oneCluster();
    new Bundle(fleet, 'widgets', {
      sources: [
        Source.objects([
          widgetCrd(),
          widget('ok', { size: 2, port: 'http', mode: 'fast', note: null, extra: { anything: [1, 'two'] } }),
          widget('bad', { size: 'big', port: true, mode: 'slow' }),
          widget('empty', {}),
        ]),
      ],
      targets: everywhere,
    });
    const against = 'the schema of CRD widgets.example.com (version v1)';
    expect(problemsOf(() => synthesizeFleet(fleet))).toEqual([
      `error: bundle 'widgets' on cluster 'a': Widget default/bad: field spec.size is "big", but ${against} expects an integer; fix the value in its source (objects)`,
      `error: bundle 'widgets' on cluster 'a': Widget default/bad: field spec.port is true, but ${against} expects an integer or a string; fix the value in its source (objects)`,
      `error: bundle 'widgets' on cluster 'a': Widget default/bad: field spec.mode is "slow", but ${against} expects one of "fast", "safe"; fix the value in its source (objects)`,
      `error: bundle 'widgets' on cluster 'a': Widget default/empty: field spec.size is missing, but ${against} requires it; set it in its source (objects)`,
    ]);
  });

  test('a CRD in another bundle of the same cluster counts; a rule like minimum is reported with its message', () => {
    const fleet = oneCluster();
    new Bundle(fleet, 'crds', { sources: [Source.objects([widgetCrd('Cluster')])], targets: everywhere });
    new Bundle(fleet, 'use', { sources: [Source.objects([widget('w', { size: 0 })])], targets: everywhere });
    expect(problemsOf(() => synthesizeFleet(fleet))).toEqual([
      "error: bundle 'use' on cluster 'a': Widget w: field spec.size is 0, but the schema of CRD widgets.example.com (version v1) says it must be >= 1; fix the value in its source (objects)",
    ]);
  });

  test('an apiVersion the CRD does not define is an error listing the versions', () => {
    const fleet = oneCluster();
    new Bundle(fleet, 'widgets', {
      sources: [Source.objects([widgetCrd(), widget('w', { size: 1 }, 'example.com/v2')])],
      targets: everywhere,
    });
    expect(problemsOf(() => synthesizeFleet(fleet))).toEqual([
      "error: bundle 'widgets' on cluster 'a': Widget default/w: apiVersion example.com/v2 is not a version of CRD widgets.example.com, which defines v1; use one of them",
    ]);
  });

  test("a CRD on another cluster only does not check this cluster's custom resources", () => {
    const fleet = smallFleet();
    new Bundle(fleet, 'crds', { sources: [Source.objects([widgetCrd()])], targets: [{ clusterName: 'a' }] });
    new Bundle(fleet, 'use', { sources: [Source.objects([widget('w', { size: 'big' })])], targets: everywhere });
    expect(problemsOf(() => synthesizeFleet(fleet))).toEqual([
      "error: bundle 'use' on cluster 'a': Widget default/w: field spec.size is \"big\", but the schema of CRD widgets.example.com (version v1) expects an integer; fix the value in its source (objects)",
    ]);
  });

  test('a CRD whose schema cannot be compiled is an error through the CRD schema, and a warning once for its custom resources', () => {
    const fleet = oneCluster();
    const crd = widgetCrd();
    const version = (crd.spec as { versions: { schema: { openAPIV3Schema: unknown } }[] }).versions[0];
    version.schema.openAPIV3Schema = { type: 'object', properties: { spec: { type: 'object', required: 'size' } } };
    new Bundle(fleet, 'widgets', {
      sources: [Source.objects([crd, widget('w1', { size: 1 }), widget('w2', { size: 2 })])],
      targets: everywhere,
    });
    expect(problemsOf(() => synthesizeFleet(fleet))).toEqual([
      // The CRD itself breaks the Kubernetes schema of CRDs…
      "error: bundle 'widgets' on cluster 'a': CustomResourceDefinition widgets.example.com: field spec.versions[0].schema.openAPIV3Schema.properties.spec.required is \"size\", but the Kubernetes 1.33 schema of apiextensions.k8s.io/v1 CustomResourceDefinition expects an array (a list); fix the value in its source (objects)",
      // …and its custom resources cannot be checked: told once, not per object.
      "warning: bundle 'widgets' on cluster 'a': CRD widgets.example.com (version v1) has an openAPIV3Schema that cannot be compiled for offline checks, so its Widget objects are not checked: schema is invalid: data/properties/spec/required must be array; fix the schema if it is wrong",
    ]);
  });

  test('a CRD pattern in Go syntax ajv cannot read is a warning, not an error', () => {
    const fleet = oneCluster();
    const crd = widgetCrd();
    const version = (crd.spec as { versions: { schema: { openAPIV3Schema: unknown } }[] }).versions[0];
    version.schema.openAPIV3Schema = {
      type: 'object',
      properties: { spec: { type: 'object', properties: { name: { type: 'string', pattern: '(?i)^web' } } } },
    };
    new Bundle(fleet, 'widgets', { sources: [Source.objects([crd, widget('w', { name: 'Web' })])], targets: everywhere });
    const synth = synthesizeFleet(fleet);
    expect(synth.warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(
        /^CRD widgets.example.com \(version v1\) has an openAPIV3Schema that cannot be compiled for offline checks, so its Widget objects are not checked: .*Invalid regular expression/,
      ),
    ]);
  });
});

describe('objects fleetwright generates pass', () => {
  test('the benchmark fleet (cdk8s-plus charts and plain objects, overlays, customizations)', () => {
    expect(synthesizeFleet(generateFleet({ clusters: 10 })).warnings).toEqual([]);
  });

  test('the written objects as they are, fleetwright labels and created namespaces included', () => {
    const synth = synthesizeFleet(generateFleet({ clusters: 5 }));
    const manifests = synth.clusters.flatMap((c) => [...c.namespaces, ...c.bundles.flatMap((b) => b.objects)].map((o) => o.manifest));
    expect(manifests.filter((m) => m.kind === 'Namespace')).not.toHaveLength(0);
    const problems = new ProblemList();
    const schemas = new ObjectSchemas();
    for (const m of manifests) schemas.check(m, new Map(), 'test', 'its source', problems);
    expect(problems.problems).toEqual([]);
  });

  test('a range of cdk8s-plus constructs', () => {
    const fleet = oneCluster();
    new Bundle(fleet, 'kplus', {
      targets: everywhere,
      sources: [
        Source.chart((chart) => {
          const cm = new kplus.ConfigMap(chart, 'cm', { data: { a: 'b' } });
          const secret = new kplus.Secret(chart, 'secret', { stringData: { p: 'x' } });
          const sa = new kplus.ServiceAccount(chart, 'sa');
          const d = new kplus.Deployment(chart, 'd', {
            serviceAccount: sa,
            containers: [
              {
                image: 'nginx',
                portNumber: 80,
                resources: { cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.units(1) } },
                envVariables: {
                  A: kplus.EnvValue.fromConfigMap(cm, 'a'),
                  B: kplus.EnvValue.fromSecretValue({ secret, key: 'p' }),
                },
              },
            ],
          });
          const svc = d.exposeViaService({ ports: [{ port: 80, targetPort: 80 }] });
          new kplus.Ingress(chart, 'ing', {
            rules: [{ host: 'x.example.com', path: '/', backend: kplus.IngressBackend.fromService(svc) }],
          });
          new kplus.HorizontalPodAutoscaler(chart, 'hpa', {
            target: d,
            maxReplicas: 5,
            metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(70))],
          });
          new kplus.StatefulSet(chart, 'ss', { containers: [{ image: 'redis', portNumber: 6379 }] });
          new kplus.DaemonSet(chart, 'ds', { containers: [{ image: 'fluentd' }] });
          new kplus.Job(chart, 'job', { containers: [{ image: 'busybox' }] });
          new kplus.Role(chart, 'role').allowRead(kplus.ApiResource.PODS);
          new kplus.ClusterRole(chart, 'cr').allowRead(kplus.ApiResource.NODES);
          new kplus.NetworkPolicy(chart, 'np', {});
          new kplus.PersistentVolumeClaim(chart, 'pvc', { storage: Size.gibibytes(1) });
        }),
      ],
    });
    const synth = synthesizeFleet(fleet);
    expect(synth.clusters[0].bundles[0].objects.length).toBeGreaterThanOrEqual(15);
    expect(synth.warnings).toEqual([]);
  });
});

describe('each distinct object is checked once per synthesis run', () => {
  afterEach(() => jest.restoreAllMocks());

  test('identical objects on many clusters are validated once; a new run validates again', () => {
    const validate = jest.spyOn(DeploymentModel.prototype, 'validate');
    const fleet = new Fleet({ name: 'many' });
    for (let i = 0; i < 20; i++) new Cluster(fleet, `c${i}`, { region: i % 2 === 0 ? 'east' : 'west' });
    // The region's mirror makes the Deployment differ between the two regions: 2 distinct contents.
    new RegionOverlay(fleet, 'east', { imageRegistry: 'mirror.east.example.com' });
    new Bundle(fleet, 'web', { sources: [Source.objects([deployment('app')])], targets: everywhere });
    synthesizeFleet(fleet);
    expect(validate).toHaveBeenCalledTimes(2);
    synthesizeFleet(fleet);
    expect(validate).toHaveBeenCalledTimes(4);
  });

  test("a CRD's schema is compiled once for all clusters", () => {
    const compile = jest.spyOn(Ajv.prototype, 'compile');
    const fleet = new Fleet({ name: 'many' });
    for (let i = 0; i < 10; i++) new Cluster(fleet, `c${i}`, { region: 'r' });
    new Bundle(fleet, 'widgets', {
      sources: [Source.objects([widgetCrd(), widget('w', { size: 1 })])],
      targets: everywhere,
    });
    new Bundle(fleet, 'per-cluster', {
      sources: [Source.chart((chart, ctx) => new ApiObject(chart, 'w', widget(`w-${ctx.cluster.name}`, { size: 2 })))],
      targets: everywhere,
    });
    synthesizeFleet(fleet);
    expect(compile).toHaveBeenCalledTimes(1);
  });
});

describe('kubeFieldPath', () => {
  test('prints keys, array indices and keys that need quoting the way Kubernetes does', () => {
    expect(kubeFieldPath(['spec', 'template', 'spec', 'containers', 0, 'image'])).toBe('spec.template.spec.containers[0].image');
    expect(kubeFieldPath(['metadata', 'labels', 'app.kubernetes.io/name'])).toBe('metadata.labels["app.kubernetes.io/name"]');
    expect(kubeFieldPath([])).toBe('');
  });
});
