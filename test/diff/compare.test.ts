import { diffDesired, hasChanges, pointerToPath, replacementReasons } from '../../src/diff/compare';
import { diffFleet } from './fixtures';

const labels = { base: 'main', head: 'pr' };

describe('diffDesired', () => {
  test('the same edit on 30 clusters appears once, with the 30 names', () => {
    const d = diffDesired(diffFleet(), diffFleet({ tag: '1.1' }), labels);
    expect(d.groups).toHaveLength(1);
    expect(d.groups[0]).toMatchObject({
      bundle: 'app',
      object: 'Deployment.apps default/app',
      kind: 'changed',
      fields: [{ path: 'spec.template.spec.containers[0].image', op: 'replace', before: 'example/app:1.0', after: 'example/app:1.1' }],
      replacement: [],
      regions: ['us-east', 'us-west'],
    });
    expect(d.groups[0].clusters).toHaveLength(30);
    expect(d.groups[0].clusters[0]).toBe('edge-00');
    expect(d.summary).toEqual({ clustersChanged: 30, objectsAdded: 0, objectsRemoved: 0, objectsChanged: 30, replacements: 0, groups: 1 });
  });

  test('no change gives an empty diff', () => {
    const d = diffDesired(diffFleet(), diffFleet(), labels);
    expect(hasChanges(d)).toBe(false);
    expect(d.groups).toEqual([]);
  });

  test('calls out clusters gaining and losing a bundle', () => {
    const d = diffDesired(diffFleet({ edgeOnlyOnFirst: 3 }), diffFleet({ edgeOnlyOnFirst: 5 }), labels);
    expect(d.targeting).toEqual([{ bundle: 'edge-only', gained: ['edge-03', 'edge-04'], lost: [] }]);
    const back = diffDesired(diffFleet({ edgeOnlyOnFirst: 5 }), diffFleet({ edgeOnlyOnFirst: 3 }), labels);
    expect(back.targeting).toEqual([{ bundle: 'edge-only', gained: [], lost: ['edge-03', 'edge-04'] }]);
    expect(back.groups[0]).toMatchObject({ kind: 'removed', object: 'ConfigMap default/edge', clusters: ['edge-03', 'edge-04'] });
  });

  test('flags a Deployment selector change as a replacement, listed first', () => {
    const d = diffDesired(diffFleet({ clusters: 2 }), diffFleet({ clusters: 2, selectorApp: 'app2', tag: '1.1' }), labels);
    expect(d.groups[0].replacement).toEqual(['spec.selector is immutable on Deployment']);
    expect(d.summary.replacements).toBe(2);
  });

  test('reports added and removed clusters', () => {
    const d = diffDesired(diffFleet({ clusters: 2 }), diffFleet({ clusters: 3 }), labels);
    expect(d.clustersAdded).toEqual(['edge-02']);
    expect(d.targeting).toEqual([{ bundle: 'app', gained: ['edge-02'], lost: [] }]);
  });

  test('never compares or shows Secret values', () => {
    const d = diffDesired(diffFleet({ clusters: 1 }), diffFleet({ clusters: 1, secretValue: 'changed-secret' }), labels);
    expect(JSON.stringify(d)).not.toMatch(/hunter2|changed-secret/);
  });
});

test('replacementReasons covers immutable ConfigMaps, Services and role bindings', () => {
  const cm = (immutable: boolean) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, immutable, data: { a: '1' } });
  expect(replacementReasons(cm(true), cm(true), ['/data/a'])).toEqual(['data is immutable on ConfigMap']);
  expect(replacementReasons(cm(false), cm(false), ['/data/a'])).toEqual([]);
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } };
  expect(replacementReasons(svc, svc, ['/spec/clusterIP'])).toEqual(['spec.clusterIP is immutable on Service']);
  const rb = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'r' } };
  expect(replacementReasons(rb, rb, ['/roleRef/name'])).toEqual(['roleRef is immutable on RoleBinding']);
});

test('pointerToPath renders JSON pointers as dotted paths', () => {
  expect(pointerToPath('/spec/template/spec/containers/0/image')).toBe('spec.template.spec.containers[0].image');
  expect(pointerToPath('/metadata/labels/app.kubernetes.io~1name')).toBe('metadata.labels["app.kubernetes.io/name"]');
});
