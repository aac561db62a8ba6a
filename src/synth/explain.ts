import { FleetError } from '../model/errors';
import { Fleet } from '../model/fleet';
import { byteOrder } from '../model/names';
import { clusterFacts } from '../model/placement';
import { effectiveNamespaces, NamespaceSetting, valueLayers } from './synth';
import { Placement, placeBundle } from '../model/targeting';
import { EffectiveValues, ExplainedValue, mergeValues } from '../model/values';
import { describeValuePath } from '../model/values-schema';

/** One effective value with its origin and what the bundle's `valuesSchema` says it is. */
export interface DescribedValue extends ExplainedValue {
  /**
   * The `description` the bundle's `valuesSchema` gives this value.
   *
   * @default - none: the bundle has no schema, or the schema does not describe the value
   */
  readonly description?: string;
}

/** Effective values with provenance and their schema descriptions. */
export interface DescribedValues extends EffectiveValues {
  /** Every leaf with its origin and description, sorted by path. */
  readonly explained: readonly DescribedValue[];
}

/** Why a bundle is (or is not) on a cluster, and every effective setting with its origin. */
export interface Explanation {
  /** Cluster name. */
  readonly cluster: string;
  /** Bundle name. */
  readonly bundle: string;
  /** Targeting decision. */
  readonly placement: Placement;
  /** The groups the cluster is in. */
  readonly groups: readonly string[];
  /** Namespace for objects without one, and where it was set. */
  readonly defaultNamespace: NamespaceSetting;
  /** Forced namespace, if any, and where it was set. */
  readonly namespace?: NamespaceSetting;
  /** Effective values with provenance and schema descriptions (empty when the bundle is not deployed). */
  readonly values: DescribedValues;
}

/**
 * Explains one bundle on one cluster: the targeting decision and each effective value with the
 * layer it came from and, when the bundle has a `valuesSchema`, the schema's description of it.
 *
 * @throws FleetError when the cluster or bundle does not exist
 */
export function explain(fleet: Fleet, clusterName: string, bundleName: string): Explanation {
  const facts = clusterFacts(fleet);
  const cluster = fleet.clusters.find((c) => c.clusterName === clusterName);
  if (!cluster) {
    throw new FleetError(
      '',
      `cluster '${clusterName}' does not exist; use one of the known clusters: ${fleet.clusters.map((c) => c.clusterName).join(', ')}`,
    );
  }
  const bundle = fleet.bundles.find((b) => b.bundleName === bundleName);
  if (!bundle) {
    throw new FleetError(
      '',
      `bundle '${bundleName}' does not exist; use one of the known bundles: ${fleet.bundles.map((b) => b.bundleName).join(', ')}`,
    );
  }
  const f = facts.get(cluster);
  if (!f) throw new FleetError(cluster.node.path, 'cluster facts missing');
  const placement = placeBundle(bundle.targets, bundle.targetCustomizations, bundle.targetCustomizationMode, f);
  const groups = fleet.clusterGroups.filter((g) => f.groups.some((x) => x.name === g.groupName));
  const overlay = fleet.regionOverlays.find((o) => o.region === cluster.region);
  const { defaultNamespace, namespace } = effectiveNamespaces(bundle, placement);
  const values: EffectiveValues = placement.deployed
    ? mergeValues(valueLayers(bundle, cluster, groups, overlay, placement))
    : { values: {}, explained: [] };
  const schema = bundle.valuesSchema;
  return {
    cluster: clusterName,
    bundle: bundleName,
    placement,
    groups: groups.map((g) => g.groupName).sort(byteOrder),
    defaultNamespace,
    namespace,
    values: schema
      ? {
          values: values.values,
          explained: values.explained.map((v) => {
            const description = describeValuePath(schema, v.path);
            return description === undefined ? v : { ...v, description };
          }),
        }
      : values,
  };
}
