import * as fs from 'node:fs';
import * as path from 'node:path';
import { Bundle } from '../../src/model/bundle';
import { toYaml } from '../../src/model/yaml';
import { Source } from '../../src/sources/sources';
import { synthFiles, synthIndex, writeSynthesis } from '../../src/synth/output';
import { synthesizeFleet } from '../../src/synth/synth';
import { configBundle, smallFleet, tmpDir } from '../util';

const fixture = (name: string) => path.join(__dirname, '..', 'fixtures', name);

describe('synthFiles', () => {
  test('writes <region>/<cluster>/<bundle>.yaml, namespaces and index.json', () => {
    const fleet = smallFleet();
    configBundle(fleet, 'app', { defaultNamespace: 'apps' });
    expect([...synthFiles(synthesizeFleet(fleet)).keys()].sort()).toEqual([
      'index.json',
      'us-east/c/_namespaces.yaml',
      'us-east/c/app.yaml',
      'us-west/a/_namespaces.yaml',
      'us-west/a/app.yaml',
      'us-west/b/_namespaces.yaml',
      'us-west/b/app.yaml',
    ]);
  });

  test('every object carries labels naming its fleet, bundle and cluster', () => {
    const fleet = smallFleet();
    configBundle(fleet, 'app');
    expect(synthFiles(synthesizeFleet(fleet)).get('us-west/a/app.yaml')).toBe(
      [
        'apiVersion: v1',
        'data: {}',
        'kind: ConfigMap',
        'metadata:',
        '  labels:',
        '    fleetwright.io/bundle: app',
        '    fleetwright.io/cluster: a',
        '    fleetwright.io/fleet: test',
        '  name: app',
        '  namespace: default',
        '',
      ].join('\n'),
    );
  });

  test('index.json lists clusters, bundles, matched targets and object hashes', () => {
    const fleet = smallFleet();
    configBundle(fleet, 'app', {
      targets: [{ name: 'prod', clusterSelector: { matchLabels: { env: 'prod' } } }],
      targetCustomizations: [{ name: 'east', clusterName: 'c' }],
    });
    const index = synthIndex(synthesizeFleet(fleet));
    expect(Object.keys(index.clusters)).toEqual(['a', 'b', 'c']);
    expect(index.clusters.b.bundles).toEqual({});
    expect(index.clusters.a.bundles.app.target).toBe('prod');
    expect(index.clusters.c.bundles.app).toMatchObject({ target: 'east', customizations: ['east'] });
    expect(index.clusters.a.bundles.app.objects).toEqual([
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'app', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
  });

  test('Secret data never appears in written output', () => {
    const fleet = smallFleet();
    new Bundle(fleet, 'app', { sources: [Source.yaml(fixture('yaml-ok'))], targets: [{ clusterSelector: {} }] });
    const synth = synthesizeFleet(fleet);
    const all = [...synthFiles(synth).values()].join('\n');
    expect(all).not.toContain('hunter2');
    expect(all).toContain('password: <redacted>');
    expect(synth.clusters[0].bundles[0].objects.find((o) => o.id.kind === 'Secret')?.manifest.stringData).toEqual({ password: 'hunter2' });
  });

  test('YAML sources skip hidden files and non-YAML files', () => {
    const fleet = smallFleet();
    new Bundle(fleet, 'app', { sources: [Source.yaml(fixture('yaml-ok'))], targets: [{ clusterName: 'a' }] });
    expect(synthesizeFleet(fleet).clusters[0].bundles[0].objects.map((o) => o.id.name)).toEqual(['creds', 'from-yaml']);
  });

  test('toYaml quotes strings YAML 1.1 readers would misread', () => {
    expect(toYaml([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'yes', b: '0755' } }])).toContain(
      "a: 'yes'\n  b: '0755'",
    );
  });
});

describe('writeSynthesis', () => {
  test('replaces the output folder as a whole', () => {
    const { dir, cleanup } = tmpDir();
    try {
      const out = path.join(dir, 'dist');
      fs.mkdirSync(path.join(out, 'stale-region'), { recursive: true });
      const fleet = smallFleet();
      configBundle(fleet, 'app');
      expect(writeSynthesis(synthesizeFleet(fleet), out)).toEqual({ files: 4, leftovers: [] });
      expect(fs.readdirSync(out).sort()).toEqual(['.fleetwright-owned.json', 'index.json', 'us-east', 'us-west']);
      expect(fs.readdirSync(dir)).toEqual(['dist']);
      // A second run replaces its own output.
      expect(writeSynthesis(synthesizeFleet(fleet), out).files).toBe(4);
    } finally {
      cleanup();
    }
  });
});
