import { FleetError } from '../../src/model/errors';
import { ValueLayer } from '../../src/model/values';
import { explain } from '../../src/synth/explain';
import { defineFleet } from '../../examples/edge-fleet/fleet';

describe('explain', () => {
  test('gives each effective value with the layer it came from', () => {
    const e = explain(defineFleet(), 'edge-us-west-1', 'web');
    expect(e.placement).toMatchObject({ deployed: true, target: 'all', customizationNames: ['prod'] });
    expect(e.groups).toEqual(['edge-us-west']);
    expect(e.defaultNamespace).toEqual({ value: 'web', origin: { layer: ValueLayer.BUNDLE, source: 'web' } });
    expect(e.values.explained).toEqual([
      { path: 'domain', value: 'us-west.edge.example.com', origin: { layer: ValueLayer.OVERLAY, source: 'us-west' } },
      { path: 'image', value: 'nginx:1.27-alpine', origin: { layer: ValueLayer.BUNDLE, source: 'web' } },
      { path: 'logLevel', value: 'warn', origin: { layer: ValueLayer.CUSTOMIZATION, source: 'prod' } },
      { path: 'replicas', value: 3, origin: { layer: ValueLayer.CUSTOMIZATION, source: 'prod' } },
    ]);
  });

  test('says why a bundle is not on a cluster', () => {
    const e = explain(defineFleet(), 'edge-us-west-2', 'prod-policies');
    expect(e.placement.deployed).toBe(false);
    expect(e.placement.reason).toBe('no target matches: prod [clusterSelector(env=prod)]');
    expect(e.values.explained).toEqual([]);
  });

  test('fails for an unknown cluster or bundle, listing the known ones', () => {
    expect(() => explain(defineFleet(), 'nope', 'web')).toThrow(FleetError);
    expect(() => explain(defineFleet(), 'nope', 'web')).toThrow(
      /cluster 'nope' does not exist; use one of the known clusters: edge-onprem-1, /,
    );
    expect(() => explain(defineFleet(), 'edge-onprem-1', 'nope')).toThrow(
      /bundle 'nope' does not exist; use one of the known bundles: addons, guestbook, hello, prod-policies, status-page, web/,
    );
  });
});
