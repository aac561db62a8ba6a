/**
 * An example consumer of fleetwright's stack outputs: another team's Pulumi program that reads a
 * region stack with `StackReference` and picks what it needs — here the in-cluster address of the
 * `web` Service on every cluster where the `web` bundle is Ready, and the clusters still rolling
 * out. Config: `fleet-consumer:fleetStack` (default `organization/edge-fleet/us-west`).
 */
import * as pulumi from '@pulumi/pulumi';
import type { FleetStackOutputs } from '../../src/deploy/outputs';

/** What the consumer exports. */
export interface ConsumerOutputs {
  /** cluster → `web` Service DNS name, for clusters where `web` is Ready. */
  readonly webEndpoints: Record<string, string>;
  /** Clusters where some bundle is not Ready. */
  readonly notReady: string[];
}

/**
 * Reads a fleetwright stack's outputs.
 *
 * @param fleetStack fully qualified stack name, e.g. `organization/edge-fleet/us-west`
 */
export function consumerProgram(fleetStack: string): pulumi.Output<ConsumerOutputs> {
  const fleet = new pulumi.StackReference(fleetStack);
  const clusters = fleet.requireOutput('clusters') as pulumi.Output<FleetStackOutputs['clusters']>;
  return clusters.apply((all) => {
    const webEndpoints: Record<string, string> = {};
    for (const [name, c] of Object.entries(all)) {
      const web = c.endpoints.find((e) => e.bundle === 'web' && e.name === 'web');
      if (web && c.bundles.web?.state === 'Ready') webEndpoints[name] = web.dns;
    }
    return { webEndpoints, notReady: Object.keys(all).filter((n) => all[n].state !== 'Ready') };
  });
}
