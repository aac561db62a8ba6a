import { expectPlacement, expectValue, regionSnapshot } from 'fleetwright/testing';
import fleet, { REGIONS } from '../fleet';

test('web runs on every cluster', () => {
  expectPlacement(
    fleet,
    'web',
    REGIONS.flatMap((region) => [`${region}-prod`, `${region}-dev`]),
  );
});

test('prod clusters run 3 replicas of web, dev clusters 1', () => {
  for (const region of REGIONS) {
    expectValue(fleet, 'web', `${region}-prod`, 'replicas', 3);
    expectValue(fleet, 'web', `${region}-dev`, 'replicas', 1);
  }
});

// What each region deploys, byte for byte: review changes with `npx jest -u` and commit the snapshots.
test.each(REGIONS)('the manifests of region %s', (region) => {
  expect(regionSnapshot(fleet, region)).toMatchSnapshot();
});
