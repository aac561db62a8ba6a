import { Construct } from 'constructs';
import { RegionOverlay } from 'fleetwright';

/**
 * The sample fleet's region overlays: each region pulls images from its own registry mirror, tags
 * every object with its region and sets the region's public domain for bundles that expose
 * endpoints.
 */
export function defineRegionOverlays(scope: Construct): RegionOverlay[] {
  return [
    regionOverlay(scope, 'us-west', 'us-west.edge.example.com'),
    regionOverlay(scope, 'us-east', 'us-east.edge.example.com'),
    regionOverlay(scope, 'onprem', 'onprem.edge.example.internal'),
  ];
}

function regionOverlay(scope: Construct, region: string, domain: string): RegionOverlay {
  return new RegionOverlay(scope, region, {
    imageRegistry: `mirror.${region}.edge.example.com`,
    labels: { 'fleetwright.io/region': region },
    values: { domain },
  });
}
