/**
 * Rancher Fleet bundle folders (test/fixtures/fleet-bundles, written for this project in Fleet's
 * documented layouts) rendered with the real helm and kustomize for env=dev, test and prod
 * clusters, and their error paths.
 */
import * as path from 'node:path';
import { Construct } from 'constructs';
import { dump } from 'js-yaml';
import { Cluster } from '../../src/model/cluster';
import { FleetValidationError } from '../../src/model/errors';
import { Fleet } from '../../src/model/fleet';
import { FleetDirectoryBundle } from '../../src/sources/fleet-dir';
import { FleetSynthesis, synthesizeFleet } from '../../src/synth/synth';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'fleet-bundles');
const ENVS = ['dev', 'test', 'prod'] as const;

/** Renders a fixture bundle for clusters `<env>-<n>` (labels env, region), as `cluster → YAML`. */
function synthOf(fixture: string, perEnv = 1): FleetSynthesis {
  const fleet = new Fleet({ name: 'migration' });
  const scope = new Construct(fleet, 'Clusters');
  for (const env of ENVS) {
    for (let i = 1; i <= perEnv; i++) new Cluster(scope, `${env}-${i}`, { region: 'eu', labels: { env, region: 'eu-central' } });
  }
  new FleetDirectoryBundle(fleet, fixture.replace(/\//g, '-'), { dir: path.join(FIXTURES, fixture), targets: [{ clusterSelector: {} }] });
  return synthesizeFleet(fleet);
}

function render(fixture: string, perEnv = 1): Record<string, string> {
  const synth = synthOf(fixture, perEnv);
  return Object.fromEntries(
    synth.clusters.map((c) => [c.name, c.bundles.flatMap((b) => b.objects.map((o) => dump(o.manifest, { sortKeys: true }))).join('---\n')]),
  );
}

describe.each(['raw-overlays', 'helm-values', 'kustomize-envs', 'helm-kustomize'])('%s', (fixture) => {
  const out = render(fixture);
  test.each(ENVS)('renders for an env=%s cluster as expected', (env) => {
    expect(out[`${env}-1`]).toMatchSnapshot();
  });
});

describe('Fleet semantics', () => {
  test('raw YAML: hidden and .fleetignore files, README and overlay folders are not resources; subfolders are', () => {
    const dev = render('raw-overlays')['dev-1'];
    expect(dev).not.toMatch(/name: (hidden|scratch)/);
    expect(dev).toMatch(/name: docs-index/);
    expect(dev.match(/^kind: \w+/gm)).toEqual(['kind: ConfigMap', 'kind: ConfigMap', 'kind: Service', 'kind: Deployment']);
  });

  test('overlays: a _patch merges containers by name (prod), a list is a JSON patch and an empty file removes (test)', () => {
    const out = render('raw-overlays');
    expect(out['prod-1']).toMatch(/image: example\/cart:1\.0-hardened/);
    expect(out['prod-1']).toMatch(/image: example\/proxy:2\.1/);
    expect(out['prod-1']).toMatch(/value: warn/);
    expect(out['prod-1']).toMatch(/checkout: one-click/);
    expect(out['test-1']).toMatch(/replicas: 2/);
    expect(out['test-1']).not.toMatch(/example\/proxy/);
    expect(out['test-1']).not.toMatch(/kind: Service/);
  });

  test('helm values: chart < values < valuesFiles < customization, with cluster-label templating', () => {
    const out = render('helm-values');
    expect(out['prod-1']).toMatch(/replicas: 3/);
    expect(out['prod-1']).toMatch(/cpu: 500m/);
    expect(out['prod-1']).toMatch(/env: prod/);
    expect(out['prod-1']).toMatch(/region: eu-central/);
    expect(out['test-1']).toMatch(/image: example\/orders:4\.3-rc1/);
    // the customization's values file wins over the root helm.values (replicas: 1)
    expect(out['test-1']).toMatch(/replicas: 2/);
    expect(out['dev-1']).toMatch(/image: example\/orders:4\.2/);
    expect(out['dev-1']).toMatch(/cpu: 100m/);
  });

  test('a chart is rendered once for clusters that share values', () => {
    // 30 clusters; prod has its own values, dev and test share the defaults.
    expect(synthOf('helm-kustomize', 10).stats.helmTemplate).toBe(2);
  });
});

describe('errors name the file and say what to do', () => {
  const problems = (fixture: string): string => {
    try {
      render(path.join('errors', fixture));
    } catch (e) {
      return e instanceof FleetValidationError ? e.problems.map((p) => `${p.subject}: ${p.message}`).join('\n') : (e as Error).message;
    }
    throw new Error('expected an error');
  };

  test('invalid fleet.yaml keys, all at once, with their lines', () => {
    const p = problems('bad-keys');
    expect(p).toMatch(
      /fleet\.yaml: line 4: unknown key 'helm\.valueFiles'; fleet\.yaml allows chart, repo, version, releaseName, values, valuesFiles/,
    );
    expect(p).toMatch(/fleet\.yaml: line 7: unknown key 'targetCustomizations\[0\]\.clusterSelectr'/);
    expect(p).not.toMatch(/correctDrift/);
  });

  test('a patch without its base file', () => {
    expect(problems('bad-patch')).toMatch(/overlays\/prod\/missing_patch\.yaml: failed to find base file missing\.yaml to patch/);
  });

  test('an unknown overlay', () => {
    expect(problems('unknown-overlay')).toMatch(/overlay 'staging' does not exist; create overlays\/staging\//);
  });

  test('a missing chart', () => {
    expect(problems('missing-chart')).toMatch(/helm\.chart \.\/nochart does not exist in the bundle folder; vendor the chart there/);
  });

  test('a chart that needs the network', () => {
    expect(problems('remote-chart')).toMatch(/chart 'https:\/\/charts\.example\.com redis' needs the network; vendor it/);
  });
});
