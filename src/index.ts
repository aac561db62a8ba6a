/**
 * fleetwright: a fleet of Kubernetes clusters as typed constructs. This entry point is the model
 * (fleet, clusters, groups, bundles, targets, customizations, region overlays), the bundle sources
 * and synthesis. Deploying with Pulumi is in `fleetwright/pulumi`; jest helpers in
 * `fleetwright/testing`.
 *
 * @packageDocumentation
 */

// The model.
export { Fleet, FleetProps } from './model/fleet';
export { Cluster, ClusterProps, ICluster } from './model/cluster';
export { ClusterGroup, ClusterGroupProps } from './model/cluster-group';
export { Bundle, BundleProps, IBundle } from './model/bundle';
export { RegionOverlay, RegionOverlayProps } from './model/region-overlay';
export { Kubeconfig, KubeconfigKind } from './model/kubeconfig';
export { BundleTarget, ObjectPatch, Placement, TargetCriteria, TargetCustomization, TargetCustomizationMode } from './model/targeting';
export { LabelSelector, LabelSelectorRequirement, SelectorOperator } from './model/selector';
export { ClusterCount, PlannedPartition, RolloutPartition, RolloutPlan, RolloutStrategy } from './model/rollout';
export { EffectiveValues, ExplainedValue, JsonValue, ValueLayer, valueAt, ValueOrigin, Values } from './model/values';
export { JsonSchema, JsonSchemaType } from './model/values-schema';
export { FleetError, FleetValidationError, formatProblem, Problem, Severity } from './model/errors';
export { KubeObject, ObjectMeta } from './model/objects';
export { ObjectId } from './model/identity';
export { BundleContext, IBundleSource, RenderStats, SourceError, SynthesisRun } from './model/source';
export { placementMatrix, PlacementCell, rolloutPlan } from './model/placement';
export { DEFAULT_SHARD_SIZE, planShards, RegionShard, regionShards, shardCount, shardOf } from './model/shards';
export { validateFleet } from './model/validate';

// The live status document (`fleetwright status --live --json`, docs/status.md).
export { BundleState, STATE_RANK } from './model/states';
export {
  FieldDrift,
  FleetLiveStatus,
  LIVE_STATUS_SCHEMA_VERSION,
  LiveBundleStatus,
  LiveBundleSummary,
  LiveClusterStatus,
  ObjectState,
  ObjectStatus,
  Rollup,
} from './status/schema';

// Bundle sources.
export { ChartFactory, Source } from './sources/sources';
export { HelmSourceOptions, KustomizeOptions } from './sources/helm';
export { FleetDirectoryBundle, FleetDirectoryBundleProps, FleetDirectoryOptions } from './sources/fleet-dir';

// Synthesis.
export {
  BUNDLE_LABEL,
  CLUSTER_LABEL,
  FLEET_LABEL,
  FleetSynthesis,
  NamespaceSetting,
  SynthesizedBundle,
  SynthesizedCluster,
  SynthesizedObject,
  synthesizeFleet,
  SynthOptions,
} from './synth/synth';
export { DescribedValue, DescribedValues, explain, Explanation } from './synth/explain';
export { SynthIndex, synthFiles, synthIndex, writeSynthesis } from './synth/output';
