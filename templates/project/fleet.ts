import { Cluster, ClusterGroup, Fleet, Kubeconfig } from 'fleetwright';
import { webBundle } from './bundles/web';
import { defineRegionOverlays } from './regions';

/** The regions of the fleet: one Pulumi stack each (stacks/Pulumi.<region>.yaml). */
export const REGIONS: readonly string[] = [{{regionList}}];

const fleet = new Fleet({
  name: '{{fleetName}}',
  // Each region stack deploys to its dev cluster first, then to prod once dev is Ready.
  rolloutStrategy: {
    partitions: [
      { name: 'dev', clusterSelector: { matchLabels: { env: 'dev' } } },
      { name: 'prod', clusterSelector: { matchLabels: { env: 'prod' } } },
    ],
  },
});

for (const region of REGIONS) {
  // Cluster names are DNS labels, unique in the fleet. The kubeconfig is read from the region
  // stack's config at deploy time (see stacks/Pulumi.<region>.yaml); never put it here.
  new Cluster(fleet, `${region}-prod`, { region, labels: { region, env: 'prod' }, kubeconfig: Kubeconfig.fromStackConfig() });
  new Cluster(fleet, `${region}-dev`, { region, labels: { region, env: 'dev' }, kubeconfig: Kubeconfig.fromStackConfig() });
  new ClusterGroup(fleet, `${region}-clusters`, { selector: { matchLabels: { region } }, labels: { region } });
}

defineRegionOverlays(fleet, REGIONS);
webBundle(fleet);

export default fleet;
