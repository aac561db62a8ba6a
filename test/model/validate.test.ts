import * as path from 'node:path';
import { JsonPatch } from 'cdk8s';
import { Bundle } from '../../src/model/bundle';
import { ClusterGroup } from '../../src/model/cluster-group';
import { Cluster } from '../../src/model/cluster';
import { Fleet } from '../../src/model/fleet';
import { RegionOverlay } from '../../src/model/region-overlay';
import { findCycle } from '../../src/model/validate';
import { Source } from '../../src/sources/sources';
import { synthesizeFleet } from '../../src/synth/synth';
import { configBundle, configMap, problemsOf, smallFleet } from '../util';

const fixture = (name: string) => path.join(__dirname, '..', 'fixtures', name);

describe('validation errors', () => {
  test('fails for duplicate cluster names, naming every definition', () => {
    const fleet = smallFleet();
    new Cluster(fleet, 'other', { name: 'a', region: 'us-west' });
    expect(problemsOf(() => synthesizeFleet(fleet))).toContainEqual(
      expect.stringMatching(/^error: cluster 'a': is defined 2 times \(Clusters\/a, other\); cluster names must be unique/),
    );
  });

  test('fails for invalid cluster, bundle and group names', () => {
    const fleet = new Fleet({ name: 'test' });
    new Cluster(fleet, 'Bad_Cluster', { region: 'us-west' });
    new ClusterGroup(fleet, 'Bad Group', { selector: {} });
    configBundle(fleet, 'Bad.Bundle');
    const problems = problemsOf(() => synthesizeFleet(fleet));
    expect(problems).toContainEqual(
      expect.stringMatching(/cluster 'Bad_Cluster': name 'Bad_Cluster' is not a DNS-1123 label .*; rename the cluster/),
    );
    expect(problems).toContainEqual(expect.stringMatching(/cluster group 'Bad Group': name 'Bad Group' is not a DNS-1123 label/));
    expect(problems).toContainEqual(expect.stringMatching(/bundle 'Bad.Bundle': name 'Bad.Bundle' is not a DNS-1123 label/));
  });

  test('fails for invalid label keys and values', () => {
    const fleet = new Fleet({ name: 'test' });
    new Cluster(fleet, 'a', { region: 'us-west', labels: { 'bad key': 'x', env: 'not ok!' } });
    configBundle(fleet, 'b');
    const problems = problemsOf(() => synthesizeFleet(fleet));
    expect(problems).toContainEqual(expect.stringMatching(/cluster 'a': label key 'bad key' is invalid.*; fix the cluster's labels/));
    expect(problems).toContainEqual(expect.stringMatching(/cluster 'a': label 'env' has invalid value 'not ok!'/));
  });

  test('fails for a cluster group that does not exist', () => {
    const fleet = smallFleet();
    new ClusterGroup(fleet, 'west', { selector: { matchLabels: { env: 'prod' } } });
    configBundle(fleet, 'b', { targets: [{ name: 'wrong', clusterGroup: 'wset' }] });
    expect(problemsOf(() => synthesizeFleet(fleet))).toContainEqual(
      "error: bundle 'b': target 'wrong' refers to cluster group 'wset', which does not exist; known groups are 'west'; define the group with new ClusterGroup(fleet, 'wset', …) or fix the name",
    );
  });

  test('fails for a dependsOn bundle that does not exist', () => {
    const fleet = smallFleet();
    configBundle(fleet, 'b', { dependsOn: ['missing'] });
    expect(problemsOf(() => synthesizeFleet(fleet))).toContainEqual(
      "error: bundle 'b': dependsOn 'missing', which is not a bundle of the fleet; fix the name or define the bundle",
    );
  });

  test('fails for a bundle without targets', () => {
    const fleet = smallFleet();
    configBundle(fleet, 'b', { targets: [] });
    expect(problemsOf(() => synthesizeFleet(fleet))).toContainEqual(
      expect.stringMatching(/^error: bundle 'b': has no targets, so it would go nowhere; add targets/),
    );
  });

  test('fails for a dependsOn cycle and prints the cycle', () => {
    const fleet = smallFleet();
    configBundle(fleet, 'a', { dependsOn: ['b'] });
    configBundle(fleet, 'b', { dependsOn: ['c'] });
    configBundle(fleet, 'c', { dependsOn: ['a'] });
    expect(problemsOf(() => synthesizeFleet(fleet))).toContainEqual(
      "error: bundle 'a': dependsOn forms a cycle: a → b → c → a; remove one of these dependencies",
    );
  });

  test('fails for a bundle depending on itself', () => {
    const fleet = smallFleet();
    configBundle(fleet, 'a', { dependsOn: ['a'] });
    expect(problemsOf(() => synthesizeFleet(fleet))).toContainEqual(expect.stringMatching(/bundle 'a': depends on itself/));
  });

  test('fails when two bundles emit the same object to one cluster', () => {
    const fleet = smallFleet();
    new Bundle(fleet, 'one', { sources: [Source.objects([configMap('shared')])], targets: [{ clusterSelector: {} }] });
    new Bundle(fleet, 'two', { sources: [Source.objects([configMap('shared')])], targets: [{ clusterName: 'a' }] });
    expect(problemsOf(() => synthesizeFleet(fleet))).toEqual([
      "error: cluster 'a': bundles 'one' and 'two' both emit v1/ConfigMap default/shared; an object can belong to one bundle only: remove it from one of them or rename it",
    ]);
  });

  test('fails for a cluster-scoped object in a bundle with a forced namespace', () => {
    const fleet = smallFleet();
    new Bundle(fleet, 'b', {
      namespace: 'apps',
      sources: [Source.objects([{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader' } }])],
      targets: [{ clusterName: 'a' }],
    });
    expect(problemsOf(() => synthesizeFleet(fleet))).toContainEqual(
      "error: bundle 'b' on cluster 'a': ClusterRole 'reader' is cluster-scoped but the bundle forces namespace 'apps'; move the object to a bundle without 'namespace' or use 'defaultNamespace' instead",
    );
  });

  test('fails for an overlay of an unknown region', () => {
    const fleet = smallFleet();
    configBundle(fleet, 'b');
    new RegionOverlay(fleet, 'eu-central');
    expect(problemsOf(() => synthesizeFleet(fleet))).toContainEqual(
      "error: region overlay 'eu-central': no cluster is in region 'eu-central'; known regions are 'us-east', 'us-west': fix the region name or remove the overlay",
    );
  });

  test('fails for YAML that does not parse, naming the file and line', () => {
    const fleet = smallFleet();
    new Bundle(fleet, 'b', { sources: [Source.yaml(fixture('yaml-broken'))], targets: [{ clusterSelector: {} }] });
    const problems = problemsOf(() => synthesizeFleet(fleet));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^error: file test\/fixtures\/yaml-broken\/bad\.yaml: line \d+, column \d+: .*; fix the YAML syntax$/);
  });

  test('fails for a YAML document without a kind, naming the document and line', () => {
    const fleet = smallFleet();
    new Bundle(fleet, 'b', { sources: [Source.yaml(fixture('yaml-nokind.yaml'))], targets: [{ clusterSelector: {} }] });
    expect(problemsOf(() => synthesizeFleet(fleet))).toEqual([
      'error: file test/fixtures/yaml-nokind.yaml: document 2 (line 6) has no kind; every Kubernetes object needs apiVersion, kind and metadata.name: add kind',
    ]);
  });

  test('fails for a YAML path that does not exist', () => {
    const fleet = smallFleet();
    new Bundle(fleet, 'b', { sources: [Source.yaml('no/such/folder')], targets: [{ clusterSelector: {} }] });
    expect(problemsOf(() => synthesizeFleet(fleet))).toEqual([
      'error: path no/such/folder: does not exist; pass an existing YAML file or folder to Source.yaml()',
    ]);
  });

  test('fails for a chart factory that throws, naming bundle and cluster', () => {
    const fleet = smallFleet();
    new Bundle(fleet, 'b', {
      sources: [
        Source.chart(() => {
          throw new Error('boom');
        }, 'broken'),
      ],
      targets: [{ clusterName: 'a' }],
    });
    expect(problemsOf(() => synthesizeFleet(fleet))).toEqual([
      expect.stringMatching(
        /^error: bundle 'b' on cluster 'a': chart broken failed: boom \(at test\/model\/validate\.test\.ts:\d+:\d+\); fix the factory$/,
      ),
    ]);
  });

  test('fails for an invalid selector and invalid namespaces', () => {
    const fleet = smallFleet();
    configBundle(fleet, 'b', {
      defaultNamespace: 'Bad_NS',
      targets: [{ name: 't', clusterSelector: { matchExpressions: [{ key: 'env', operator: 'In' }] } }],
    });
    const problems = problemsOf(() => synthesizeFleet(fleet));
    expect(problems).toContainEqual(
      expect.stringMatching(/bundle 'b': target 't' clusterSelector matchExpressions: operator 'In' on key 'env' needs at least one value/),
    );
    expect(problems).toContainEqual(expect.stringMatching(/bundle 'b': defaultNamespace 'Bad_NS' is not a DNS-1123 label/));
  });

  test('fails for an unknown --region', () => {
    const fleet = smallFleet();
    configBundle(fleet, 'b');
    expect(problemsOf(() => synthesizeFleet(fleet, { region: 'mars' }))).toEqual([
      "error: region 'mars': no cluster is in this region; use one of 'us-east', 'us-west'",
    ]);
  });

  test('fails for an overlay patch that matches nothing or cannot apply', () => {
    const fleet = smallFleet();
    configBundle(fleet, 'b');
    new RegionOverlay(fleet, 'us-west', {
      patches: [
        { kind: 'Deployment', name: 'ghost', ops: [JsonPatch.add('/spec/replicas', 1)] },
        { kind: 'ConfigMap', ops: [JsonPatch.replace('/data/missing', 'x')] },
      ],
    });
    const problems = problemsOf(() => synthesizeFleet(fleet));
    expect(problems).toContainEqual(
      expect.stringMatching(
        /^error: region overlay 'us-west': patch #1 targets Deployment 'ghost', which no bundle in region 'us-west' emits/,
      ),
    );
    expect(problems).toContainEqual(
      expect.stringMatching(
        /^error: region overlay 'us-west': patch #2 failed on ConfigMap 'b' of bundle 'b' on cluster 'a': .*; fix the patch path or operation/,
      ),
    );
  });

  test('fails for a customization patch that matches nothing', () => {
    const fleet = smallFleet();
    configBundle(fleet, 'b', {
      targetCustomizations: [{ name: 'prod', clusterSelector: { matchLabels: { env: 'prod' } }, patches: [{ kind: 'Service', ops: [] }] }],
    });
    expect(problemsOf(() => synthesizeFleet(fleet))).toContainEqual(
      "error: bundle 'b' on cluster 'a': patch of customization 'prod' targets Service, which the bundle does not emit; fix kind/name/namespace or remove the patch",
    );
  });

  test('fails for a duplicate overlay, group or bundle name', () => {
    const fleet = smallFleet();
    configBundle(fleet, 'b');
    configBundle(fleet, 'b2', { name: 'b' });
    new RegionOverlay(fleet, 'us-west');
    new RegionOverlay(fleet, 'west', { region: 'us-west' });
    new ClusterGroup(fleet, 'g', { selector: {} });
    new ClusterGroup(fleet, 'g2', { name: 'g', selector: {} });
    const problems = problemsOf(() => synthesizeFleet(fleet));
    expect(problems).toContainEqual(expect.stringMatching(/bundle 'b': is defined more than once/));
    expect(problems).toContainEqual(expect.stringMatching(/region overlay 'us-west': is defined more than once/));
    expect(problems).toContainEqual(expect.stringMatching(/cluster group 'g': is defined more than once/));
  });

  test('reports every error at once', () => {
    const fleet = smallFleet();
    new Cluster(fleet, 'Bad', { region: 'us-west' });
    configBundle(fleet, 'no-targets', { targets: [] });
    configBundle(fleet, 'dangling', { dependsOn: ['ghost'] });
    new RegionOverlay(fleet, 'mars');
    expect(problemsOf(() => synthesizeFleet(fleet)).filter((p) => p.startsWith('error'))).toHaveLength(4);
  });
});

describe('warnings', () => {
  test('a selector that matches no cluster is a warning, not an error', () => {
    const fleet = smallFleet();
    configBundle(fleet, 'b', { targets: [{ clusterSelector: {} }, { name: 'nobody', clusterSelector: { matchLabels: { env: 'qa' } } }] });
    new ClusterGroup(fleet, 'empty', { selector: { matchLabels: { env: 'qa' } } });
    const synth = synthesizeFleet(fleet);
    expect(synth.warnings.map((w) => `${w.severity}: ${w.subject}: ${w.message}`)).toEqual([
      "warning: cluster group 'empty': has no member clusters: its selector matches no cluster and none was added; fix the selector or add clusters",
      "warning: bundle 'b': target 'nobody' [clusterSelector(env=qa)] matches no cluster",
    ]);
  });

  test('a clusterName that names no cluster says so', () => {
    const fleet = smallFleet();
    configBundle(fleet, 'b', { targets: [{ clusterSelector: {} }, { name: 'typo', clusterName: 'aa' }] });
    expect(synthesizeFleet(fleet).warnings[0].message).toBe("target 'typo' [clusterName=aa] matches no cluster (no cluster is named 'aa')");
  });

  test('a bundle without sources is a warning', () => {
    const fleet = smallFleet();
    new Bundle(fleet, 'empty', { targets: [{ clusterSelector: {} }] });
    expect(synthesizeFleet(fleet).warnings[0].message).toMatch(/has no sources, so it deploys nothing/);
  });
});

test('findCycle returns undefined for an acyclic graph', () => {
  expect(
    findCycle(
      new Map([
        ['a', ['b']],
        ['b', []],
      ]),
    ),
  ).toBeUndefined();
});
