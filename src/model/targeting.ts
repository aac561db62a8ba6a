import { JsonPatch } from 'cdk8s';
import { formatSelector, LabelSelector, selectorMatches } from './selector';
import { Values } from './values';

/**
 * The four matching criteria of a Rancher Fleet target entry. All criteria that are set are
 * ANDed; unset and empty-string criteria are ignored; `clusterSelector: {}` matches every
 * cluster; an entry with no criteria matches nothing.
 */
export interface TargetCriteria {
  /**
   * Matches the cluster's name, or its label `management.cattle.io/cluster-display-name`.
   *
   * @default - not a criterion
   */
  readonly clusterName?: string;
  /**
   * Matches the cluster's labels.
   *
   * @default - not a criterion
   */
  readonly clusterSelector?: LabelSelector;
  /**
   * Matches clusters that belong to the cluster group of this name.
   *
   * @default - not a criterion
   */
  readonly clusterGroup?: string;
  /**
   * Matches clusters that belong to any cluster group whose labels match.
   *
   * @default - not a criterion
   */
  readonly clusterGroupSelector?: LabelSelector;
}

/** A target: where a bundle goes. */
export interface BundleTarget extends TargetCriteria {
  /**
   * Name reported by `targets`, `synth` and status.
   *
   * @default - `target000`, `target001`, … by position, as Fleet names unnamed entries
   */
  readonly name?: string;
  /**
   * Clusters matching this entry get nothing of the bundle.
   *
   * @default false
   */
  readonly doNotDeploy?: boolean;
}

/** A patch applied to the bundle's objects that match `kind` (and `name`/`namespace` when set). */
export interface ObjectPatch {
  /** Kind of the objects to patch. */
  readonly kind: string;
  /**
   * Name of the object to patch.
   *
   * @default - every object of the kind
   */
  readonly name?: string;
  /**
   * Namespace of the objects to patch.
   *
   * @default - any namespace
   */
  readonly namespace?: string;
  /** RFC 6902 operations, applied in order. */
  readonly ops: readonly JsonPatch[];
}

/**
 * A target customization: how a bundle is configured on the clusters it matches. It can never
 * widen the set of clusters a bundle goes to (Fleet's `targetCustomizations`).
 */
export interface TargetCustomization extends BundleTarget {
  /**
   * Values merged over the bundle, group and overlay values.
   *
   * @default {}
   */
  readonly values?: Values;
  /**
   * Replaces the bundle's `defaultNamespace`.
   *
   * @default - the bundle's
   */
  readonly defaultNamespace?: string;
  /**
   * Replaces the bundle's forced `namespace`.
   *
   * @default - the bundle's
   */
  readonly namespace?: string;
  /**
   * Patches applied after the region overlay's.
   *
   * @default []
   */
  readonly patches?: readonly ObjectPatch[];
}

/** How matching target customizations combine (Fleet's `targetCustomizationMode`). */
export enum TargetCustomizationMode {
  /** Only the first matching customization applies; order them from specific to general. */
  FIRST_MATCH = 'FirstMatch',
  /** Every matching customization applies, merged in list order; any `doNotDeploy` excludes. */
  ALL_MATCHES = 'AllMatches',
}

/** What targeting needs to know about a cluster group. */
export interface GroupFacts {
  /** Group name. */
  readonly name: string;
  /** The group's own labels (matched by `clusterGroupSelector`). */
  readonly labels: Readonly<Record<string, string>>;
}

/** What targeting needs to know about a cluster. */
export interface ClusterFacts {
  /** Cluster name. */
  readonly name: string;
  /** Cluster labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** The groups the cluster belongs to. */
  readonly groups: readonly GroupFacts[];
}

/** Fleet's label for a cluster's display name, also matched by `clusterName`. */
export const DISPLAY_NAME_LABEL = 'management.cattle.io/cluster-display-name';

/** Whether a target entry has at least one criterion (an entry without any matches nothing). */
export function hasCriteria(t: TargetCriteria): boolean {
  return !!t.clusterName || !!t.clusterGroup || t.clusterSelector != null || t.clusterGroupSelector != null;
}

/**
 * Whether one target entry matches a cluster: every criterion set must match.
 *
 * @param target the entry
 * @param cluster the cluster
 */
export function targetMatches(target: TargetCriteria, cluster: ClusterFacts): boolean {
  if (!hasCriteria(target)) return false;
  if (target.clusterName && target.clusterName !== cluster.name && cluster.labels[DISPLAY_NAME_LABEL] !== target.clusterName) {
    return false;
  }
  if (target.clusterSelector != null && !selectorMatches(target.clusterSelector, cluster.labels)) {
    return false;
  }
  if (target.clusterGroup && !cluster.groups.some((g) => g.name === target.clusterGroup)) {
    return false;
  }
  const groupSelector = target.clusterGroupSelector;
  if (groupSelector != null && !cluster.groups.some((g) => selectorMatches(groupSelector, g.labels))) {
    return false;
  }
  return true;
}

/** Renders a target's criteria for humans: `clusterGroup=edge-us-west AND clusterSelector(env=prod)`. */
export function describeCriteria(t: TargetCriteria): string {
  const parts: string[] = [];
  if (t.clusterName) parts.push(`clusterName=${t.clusterName}`);
  if (t.clusterSelector != null) parts.push(`clusterSelector(${formatSelector(t.clusterSelector)})`);
  if (t.clusterGroup) parts.push(`clusterGroup=${t.clusterGroup}`);
  if (t.clusterGroupSelector != null) parts.push(`clusterGroupSelector(${formatSelector(t.clusterGroupSelector)})`);
  return parts.length === 0 ? '(no criteria: matches nothing)' : parts.join(' AND ');
}

/**
 * The names of target entries: their own, or Fleet's `target000`… by position in the combined list
 * (customizations first, then targets, as Fleet composes `spec.targets`).
 */
export function targetNames(
  customizations: readonly BundleTarget[],
  targets: readonly BundleTarget[],
): { customizations: string[]; targets: string[] } {
  const name = (t: BundleTarget, i: number): string => t.name || `target${String(i).padStart(3, '0')}`;
  return {
    customizations: customizations.map((t, i) => name(t, i)),
    targets: targets.map((t, i) => name(t, customizations.length + i)),
  };
}

/** Where a bundle goes on one cluster, and why. */
export interface Placement {
  /** Whether the bundle is deployed to the cluster. */
  readonly deployed: boolean;
  /** The target that selected the cluster, when one did. */
  readonly target?: string;
  /** The customizations that apply, in merge order (their indexes into the customization list). */
  readonly customizations: readonly number[];
  /** Names of those customizations. */
  readonly customizationNames: readonly string[];
  /** Why: which entry matched, or why nothing did. */
  readonly reason: string;
}

/**
 * Decides, with Rancher Fleet's semantics, whether a bundle goes to a cluster and which
 * customizations apply.
 *
 * 1. The first matching entry of `targets` decides *where* (first match wins); no match means the
 *    cluster is not targeted; a matching `doNotDeploy` target excludes it.
 * 2. Customizations decide *how* and never widen the set: with `FIRST_MATCH` only the first matching
 *    customization applies, with `ALL_MATCHES` all do, in order. A matching `doNotDeploy`
 *    customization (the first, or any under `ALL_MATCHES`) excludes the cluster.
 */
export function placeBundle(
  targets: readonly BundleTarget[],
  customizations: readonly TargetCustomization[],
  mode: TargetCustomizationMode,
  cluster: ClusterFacts,
): Placement {
  const names = targetNames(customizations, targets);
  const t = targets.findIndex((entry) => targetMatches(entry, cluster));
  if (t < 0) {
    return {
      deployed: false,
      customizations: [],
      customizationNames: [],
      reason:
        targets.length === 0
          ? 'the bundle has no targets'
          : `no target matches: ${targets.map((entry, i) => `${names.targets[i]} [${describeCriteria(entry)}]`).join('; ')}`,
    };
  }
  const targetName = names.targets[t];
  if (targets[t].doNotDeploy) {
    return {
      deployed: false,
      target: targetName,
      customizations: [],
      customizationNames: [],
      reason: `target '${targetName}' has doNotDeploy`,
    };
  }
  const matched: number[] = [];
  for (let i = 0; i < customizations.length; i++) {
    if (targetMatches(customizations[i], cluster)) {
      matched.push(i);
      if (mode === TargetCustomizationMode.FIRST_MATCH) break;
    }
  }
  const matchedNames = matched.map((i) => names.customizations[i]);
  const excluding = matched.find((i) => customizations[i].doNotDeploy);
  if (excluding !== undefined) {
    return {
      deployed: false,
      target: targetName,
      customizations: matched,
      customizationNames: matchedNames,
      reason: `customization '${names.customizations[excluding]}' has doNotDeploy`,
    };
  }
  return {
    deployed: true,
    target: targetName,
    customizations: matched,
    customizationNames: matchedNames,
    reason:
      matched.length === 0
        ? `target '${targetName}' matches`
        : `target '${targetName}' matches; customized by ${matchedNames.map((n) => `'${n}'`).join(', ')}`,
  };
}
