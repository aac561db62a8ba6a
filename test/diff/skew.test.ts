import { FleetError } from '../../src/model/errors';
import { compareClusters, renderSkew, resolveClusters } from '../../src/diff/skew';
import { defineFleet } from '../../examples/edge-fleet/fleet';

describe('compare', () => {
  test('resolves clusters, groups and regions', () => {
    const fleet = defineFleet();
    expect(resolveClusters(fleet, 'edge-us-west-1')).toEqual(['edge-us-west-1']);
    expect(resolveClusters(fleet, 'edge-onprem-arm64')).toEqual(['edge-onprem-1', 'edge-onprem-2']);
    expect(resolveClusters(fleet, 'us-east')).toEqual(['edge-us-east-1', 'edge-us-east-2']);
    expect(() => resolveClusters(fleet, 'nowhere')).toThrow(FleetError);
  });

  test('shows differing values with the layer they come from', () => {
    const report = compareClusters(defineFleet(), ['edge-us-east-1', 'edge-us-east-2']);
    const web = report.bundles.find((b) => b.bundle === 'web');
    expect(web?.values.find((v) => v.path === 'replicas')?.variants).toEqual([
      { value: 3, origins: ['customization prod'], clusters: ['edge-us-east-1'] },
      { value: 2, origins: ['customization test'], clusters: ['edge-us-east-2'] },
    ]);
    expect(web?.objects.find((o) => o.path === 'Deployment web/web spec.replicas')).toBeDefined();
    expect(report.bundles.find((b) => b.bundle === 'prod-policies')?.missingOn).toEqual(['edge-us-east-2']);
  });

  test('objects only some clusters get are listed once, and the cluster label is not a difference', () => {
    const report = compareClusters(defineFleet(), ['edge-us-west-1', 'edge-us-east-1']);
    const hello = report.bundles.find((b) => b.bundle === 'hello');
    expect(hello?.partialObjects).toEqual({
      'Deployment hello/us-east-hello': ['edge-us-east-1'],
      'Deployment hello/us-west-hello': ['edge-us-west-1'],
      'Service hello/us-east-hello': ['edge-us-east-1'],
      'Service hello/us-west-hello': ['edge-us-west-1'],
    });
    expect(renderSkew(report)).not.toContain('fleetwright.io/cluster');
  });

  test('identical clusters have no differences', () => {
    expect(renderSkew(compareClusters(defineFleet(), ['edge-us-west-1']))).toBe('compared 1 clusters: edge-us-west-1\nno differences\n');
  });
});
