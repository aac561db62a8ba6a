import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EngineEvent, StepEventMetadata } from '@pulumi/pulumi/automation';
import { hasChanges } from '../../src/diff/compare';
import { LivePreviewCollector, parseConflict, parsePropertyPath, valueAtPath } from '../../src/diff/live';
import { renderDiff } from '../../src/diff/render';

/**
 * Engine events of a real `preview --refresh` of the local fleet's onprem stack (outputs trimmed):
 * the web image changed in the fleet; on edge-onprem-2 someone ran `kubectl scale` on the web
 * Deployment and removed a label from the web Service; on edge-onprem-1 the PodDisruptionBudget
 * was deleted.
 */
const recorded = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'preview-events.json'), 'utf8')) as EngineEvent[];
const labels = { base: 'deployed (local-onprem)', head: 'working tree' };

function collect(events: readonly EngineEvent[], region = 'onprem'): LivePreviewCollector {
  const c = new LivePreviewCollector();
  const on = c.forRegion(region);
  events.forEach(on);
  return c;
}

const urn = (type: string, name: string): string => `urn:pulumi:local-onprem::fleetwright::${type}::${name}`;
const step = (md: Partial<StepEventMetadata> & Pick<StepEventMetadata, 'op' | 'type' | 'urn'>): EngineEvent =>
  ({ sequence: 0, timestamp: 0, resourcePreEvent: { metadata: { provider: '', ...md } } }) as EngineEvent;
const state = (inputs: Record<string, unknown>, outputs: Record<string, unknown> = {}) =>
  ({ type: '', urn: '', id: '', parent: '', provider: '', inputs, outputs }) as StepEventMetadata['old'];
const secretValue = (value: string): Record<string, string> => ({
  '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270',
  value,
});

describe('property paths', () => {
  test('parse Pulumi paths with indexes and quoted keys', () => {
    expect(parsePropertyPath('spec.template.spec.containers[0].image')).toEqual(['spec', 'template', 'spec', 'containers', 0, 'image']);
    expect(parsePropertyPath('metadata.labels["fleetwright.io/bundle"]')).toEqual(['metadata', 'labels', 'fleetwright.io/bundle']);
    expect(valueAtPath({ a: [{ b: 1 }] }, 'a[0].b')).toBe(1);
    expect(valueAtPath({ a: 1 }, 'a.b.c')).toBeUndefined();
  });

  test('server-side apply conflicts name the manager and the fields', () => {
    expect(
      parseConflict('Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas'),
    ).toEqual({ manager: 'kubectl', fields: ['.spec.replicas'] });
    expect(parseConflict('Apply failed with 2 conflicts: conflicts with "kubectl-edit" using v1:\n- .data.a\n- .data.b')).toEqual({
      manager: 'kubectl-edit',
      fields: ['.data.a', '.data.b'],
    });
    expect(parseConflict('connection refused')).toBeUndefined();
  });
});

describe('a recorded preview with --refresh', () => {
  const report = collect(recorded).finish(labels);

  test('reports drift per cluster, bundle and object', () => {
    expect(report.source).toBe('live');
    const deployment = report.groups.find((g) => g.object === 'Deployment.apps web/web');
    expect(deployment?.clusters).toEqual(['edge-onprem-2']);
    expect(deployment?.fields).toEqual([
      { path: 'spec.replicas', op: 'replace', before: 5, after: 1, drift: true },
      {
        path: 'spec.template.spec.containers[0].image',
        op: 'replace',
        before: 'mirror.onprem.edge.example.com/library/nginx:1.27-alpine',
        after: 'mirror.onprem.edge.example.com/library/nginx:1.28',
      },
    ]);
    const service = report.groups.find((g) => g.object === 'Service web/web');
    expect(service?.fields).toEqual([{ path: 'metadata.labels["fleetwright.io/bundle"]', op: 'add', after: 'web', drift: true }]);
  });

  test('an object deleted on a cluster shows as drift that up repairs, even when an error stopped the plan', () => {
    const pdb = report.groups.find((g) => g.object === 'PodDisruptionBudget.policy web/web');
    expect(pdb).toMatchObject({
      kind: 'added',
      bundle: 'prod-policies',
      clusters: ['edge-onprem-1'],
      drift: expect.stringContaining('deleted outside'),
    });
  });

  test('a field another manager took over is an error that says what to do', () => {
    expect(report.errors).toEqual([
      expect.objectContaining({
        cluster: 'edge-onprem-2',
        bundle: 'web',
        resource: 'edge-onprem-2/web/Deployment.apps/web/web',
        conflict: { manager: 'kubectl', fields: ['.spec.replicas'] },
      }),
    ]);
    expect(renderDiff(report, 'text')).toContain(
      "edge-onprem-2/web/Deployment.apps/web/web: DRIFT .spec.replicas changed on the cluster by 'kubectl'; undo that change on edge-onprem-2",
    );
  });

  test.each(['text', 'markdown'] as const)('%s golden', (format) => {
    expect(renderDiff(report, format)).toMatchSnapshot();
  });

  test('json golden', () => {
    expect(JSON.parse(renderDiff(report, 'json'))).toMatchSnapshot();
  });
});

describe('steps', () => {
  const deployment = (replicas: number, selector = 'web') => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'web' },
    spec: { replicas, selector: { matchLabels: { app: selector } } },
  });
  const secret = (v: string) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'creds', namespace: 'web' },
    data: { password: v },
  });

  test('the same update on many clusters shows once; creates and deletes are counted', () => {
    const events = ['c1', 'c2', 'c3'].map((c) =>
      step({
        op: 'update',
        type: 'kubernetes:apps/v1:Deployment',
        urn: urn('kubernetes:apps/v1:Deployment', `${c}/web/Deployment.apps/web/web`),
        old: state(deployment(1)),
        new: state(deployment(2)),
        detailedDiff: { 'spec.replicas': { diffKind: 'update' as never, inputDiff: true } },
      }),
    );
    events.push(
      step({
        op: 'delete',
        type: 'kubernetes:core/v1:Namespace',
        urn: urn('kubernetes:core/v1:Namespace', 'c1/namespaces/old'),
        old: state({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'old' } }),
      }),
      step({ op: 'delete', type: 'fleetwright:deploy:BundleDeployment', urn: urn('fleetwright:deploy:BundleDeployment', 'c1/old') }),
      step({ op: 'create', type: 'fleetwright:deploy:ClusterDeployment', urn: urn('fleetwright:deploy:ClusterDeployment', 'c9') }),
    );
    const d = collect(events).finish(labels);
    expect(d.groups.map((g) => [g.kind, g.bundle, g.object, g.clusters])).toEqual([
      ['removed', '_namespaces', 'Namespace old', ['c1']],
      ['changed', 'web', 'Deployment.apps web/web', ['c1', 'c2', 'c3']],
    ]);
    expect(d.groups[1].fields).toEqual([{ path: 'spec.replicas', op: 'replace', before: 1, after: 2 }]);
    expect(d.targeting).toEqual([{ bundle: 'old', gained: [], lost: ['c1'] }]);
    expect(d.clustersAdded).toEqual(['c9']);
    expect(renderDiff(d, 'text')).toContain('DELETE removed Namespace old (bundle _namespaces) on c1');
    expect(hasChanges(d)).toBe(true);
  });

  test('replacements are loud and reported once, with the fields that force them', () => {
    const replace = (op: StepEventMetadata['op']) =>
      step({
        op,
        type: 'kubernetes:apps/v1:Deployment',
        urn: urn('kubernetes:apps/v1:Deployment', 'c1/web/Deployment.apps/web/web'),
        old: state(deployment(1, 'a')),
        new: state(deployment(1, 'b')),
        keys: ['spec.selector'],
        detailedDiff: { 'spec.selector.matchLabels.app': { diffKind: 'update-replace' as never, inputDiff: true } },
      });
    const d = collect([replace('create-replacement'), replace('replace'), replace('delete-replaced')]).finish(labels);
    expect(d.groups).toHaveLength(1);
    expect(d.groups[0].replacement).toEqual([
      'spec.selector cannot be changed in place',
      'spec.selector.matchLabels.app cannot be changed in place',
    ]);
    expect(d.summary.replacements).toBe(1);
    expect(renderDiff(d, 'text')).toMatch(/^REPLACE changed Deployment\.apps web\/web/m);
    expect(renderDiff(d, 'markdown')).toContain('<b>REPLACE</b>');
  });

  test('Secret data, Pulumi secrets and kubeconfigs are masked in every format', () => {
    const d = collect([
      step({
        op: 'update',
        type: 'kubernetes:core/v1:Secret',
        urn: urn('kubernetes:core/v1:Secret', 'c1/app/Secret/web/creds'),
        old: state(secret('b2xkLXB3'), { ...secret('b2xkLXB3'), metadata: { name: 'creds' } }),
        new: state({ ...secret('bmV3LXB3'), metadata: { name: 'creds', namespace: 'web', labels: { token: secretValue('hunter2') } } }),
        detailedDiff: {
          'data.password': { diffKind: 'update' as never, inputDiff: true },
          'metadata.labels.token': { diffKind: 'add' as never, inputDiff: true },
        },
      }),
      step({
        op: 'update',
        type: 'pulumi:providers:kubernetes',
        urn: urn('pulumi:providers:kubernetes', 'c1'),
        old: state({ kubeconfig: 'apiVersion: v1\nusers: [{user: {token: old-token}}]' }),
        new: state({ kubeconfig: 'apiVersion: v1\nusers: [{user: {token: new-token}}]' }),
        detailedDiff: { kubeconfig: { diffKind: 'update' as never, inputDiff: true } },
      }),
    ]).finish(labels);
    for (const format of ['text', 'markdown', 'json'] as const) {
      const out = renderDiff(d, format);
      expect(out).not.toMatch(/b2xkLXB3|bmV3LXB3|hunter2|old-token|new-token/);
      expect(out).toContain('data.password');
      expect(out).toContain('kubeconfig');
    }
  });

  test('no steps, no changes', () => {
    const d = collect([
      step({ op: 'same', type: 'kubernetes:core/v1:ConfigMap', urn: urn('kubernetes:core/v1:ConfigMap', 'c1/a/ConfigMap/x/y') }),
    ]).finish(labels);
    expect(hasChanges(d)).toBe(false);
    expect(renderDiff(d, 'text')).toContain('no changes');
  });
});
