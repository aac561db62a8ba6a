import { Construct } from 'constructs';
import { RegionOverlay } from 'fleetwright';

/**
 * What every cluster of a region gets on top of its bundles: values (here the region's public
 * domain), labels on every object, and optionally `imageRegistry: 'mirror.<region>.example.com'` to
 * pull every image through the region's registry mirror.
 *
 * @param scope the fleet
 * @param regions the regions of the fleet
 */
export function defineRegionOverlays(scope: Construct, regions: readonly string[]): RegionOverlay[] {
  return regions.map(
    (region) =>
      new RegionOverlay(scope, region, {
        labels: { 'fleetwright.io/region': region },
        values: { domain: `${region}.example.com` },
      }),
  );
}
