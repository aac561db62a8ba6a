import { JsonPatch } from 'cdk8s';
import { applyPatch as applyJsonPatch, Operation } from 'fast-json-patch';
import { Bundle } from '../model/bundle';
import { Cluster } from '../model/cluster';
import { ClusterGroup } from '../model/cluster-group';
import { FleetValidationError, Problem, ProblemList } from '../model/errors';
import { Fleet } from '../model/fleet';
import { Kubeconfig } from '../model/kubeconfig';
import { byteOrder, sha256 } from '../model/names';
import { compareApplyOrder, describeObject, isClusterScoped, ObjectId, objectId } from '../model/identity';
import { clusterScopedCustomKinds, KubeObject, rewriteImages } from '../model/objects';
import { toYamlDocument } from '../model/yaml';
import { registerSecretsOf } from '../model/redaction';
import { RegionOverlay } from '../model/region-overlay';
import { BundleContext, RenderStats, SourceError, SynthesisRun } from '../model/source';
import { clusterFacts } from '../model/placement';
import { ClusterFacts, ObjectPatch, Placement, placeBundle } from '../model/targeting';
import { ObjectSchemas } from './object-schemas';
import { validateFleet } from '../model/validate';
import { ValuesSchemas } from '../model/values-schema';
import { EffectiveValues, mergeValues, ValueLayer, ValueLayerInput, ValueOrigin } from '../model/values';

/** Labels fleetwright puts on every object it synthesizes. */
export const FLEET_LABEL = 'fleetwright.io/fleet';
/** Label naming the bundle an object belongs to. */
export const BUNDLE_LABEL = 'fleetwright.io/bundle';
/** Label naming the cluster an object was synthesized for. */
export const CLUSTER_LABEL = 'fleetwright.io/cluster';

/** Namespaces every cluster has; bundles never create them. */
export const BUILTIN_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/** One synthesized object. */
export interface SynthesizedObject {
  /** Its identity on the cluster. */
  readonly id: ObjectId;
  /** The full manifest, Secret data included: pass to `redact()` before writing or printing. */
  readonly manifest: KubeObject;
  /** The redacted manifest as a YAML document: keys sorted, Secret values replaced. */
  readonly yaml: string;
  /** SHA-256 of `yaml`. */
  readonly sha256: string;
}

/** One bundle as synthesized for one cluster. */
export interface SynthesizedBundle {
  /** Bundle name. */
  readonly name: string;
  /** The matched customization (the first, when several apply) or else the matched target. */
  readonly target: string;
  /** The target that selected the cluster. */
  readonly matchedTarget: string;
  /** Every customization applied, in order. */
  readonly customizations: readonly string[];
  /** Bundles deployed before this one on the cluster. */
  readonly dependsOn: readonly string[];
  /** Effective namespace settings. */
  readonly defaultNamespace: string;
  /** Forced namespace, if any. */
  readonly namespace?: string;
  /** Effective values with provenance. */
  readonly values: EffectiveValues;
  /** Objects in apply order. */
  readonly objects: readonly SynthesizedObject[];
}

/** Everything synthesized for one cluster. */
export interface SynthesizedCluster {
  /** Cluster name. */
  readonly name: string;
  /** Region. */
  readonly region: string;
  /** Labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** Names of the groups the cluster belongs to, sorted. */
  readonly groups: readonly string[];
  /** Where its kubeconfig comes from. */
  readonly kubeconfig: Kubeconfig;
  /** Namespaces that bundles deploy into and no bundle defines, created for them. */
  readonly namespaces: readonly SynthesizedObject[];
  /** Bundles on the cluster, sorted by name. */
  readonly bundles: readonly SynthesizedBundle[];
}

/** The result of synthesizing a fleet. */
export interface FleetSynthesis {
  /** Fleet name. */
  readonly fleet: string;
  /** Clusters (of the chosen region, or all), sorted by name. */
  readonly clusters: readonly SynthesizedCluster[];
  /** Warnings; errors are thrown instead. */
  readonly warnings: readonly Problem[];
  /** How many times Helm and Kustomize ran (clusters that agree share a render). */
  readonly stats: Readonly<RenderStats>;
}

/** Options of {@link synthesizeFleet}. */
export interface SynthOptions {
  /**
   * Synthesize only the clusters of this region.
   *
   * @default - every region
   */
  readonly region?: string;
}

/** A namespace setting and the layer that set it. */
export interface NamespaceSetting {
  /** The namespace. */
  readonly value: string;
  /** The bundle, or the customization that replaced it. */
  readonly origin: ValueOrigin;
}

/**
 * A bundle's `defaultNamespace` and forced `namespace` on a cluster: the bundle's, replaced by each
 * applied customization that sets one, in order. @internal
 */
export function effectiveNamespaces(
  bundle: Bundle,
  placement: Placement,
): { defaultNamespace: NamespaceSetting; namespace?: NamespaceSetting } {
  const bundleOrigin: ValueOrigin = { layer: ValueLayer.BUNDLE, source: bundle.bundleName };
  let defaultNamespace: NamespaceSetting = { value: bundle.defaultNamespace, origin: bundleOrigin };
  let namespace: NamespaceSetting | undefined = bundle.namespace ? { value: bundle.namespace, origin: bundleOrigin } : undefined;
  placement.customizations.forEach((i, n) => {
    const c = bundle.targetCustomizations[i];
    const origin: ValueOrigin = { layer: ValueLayer.CUSTOMIZATION, source: placement.customizationNames[n] };
    if (c.defaultNamespace) defaultNamespace = { value: c.defaultNamespace, origin };
    if (c.namespace) namespace = { value: c.namespace, origin };
  });
  return { defaultNamespace, namespace };
}

/** The value layers of one bundle on one cluster, lowest first. @internal */
export function valueLayers(
  bundle: Bundle,
  cluster: Cluster,
  groups: readonly ClusterGroup[],
  overlay: RegionOverlay | undefined,
  placement: Placement,
): ValueLayerInput[] {
  const layers: ValueLayerInput[] = [{ origin: { layer: ValueLayer.BUNDLE, source: bundle.bundleName }, values: bundle.values }];
  for (const g of groups) layers.push({ origin: { layer: ValueLayer.GROUP, source: g.groupName }, values: g.values });
  if (overlay) layers.push({ origin: { layer: ValueLayer.OVERLAY, source: overlay.region }, values: overlay.values });
  placement.customizations.forEach((i, n) =>
    layers.push({
      origin: { layer: ValueLayer.CUSTOMIZATION, source: placement.customizationNames[n] },
      values: bundle.targetCustomizations[i].values ?? {},
    }),
  );
  layers.push({ origin: { layer: ValueLayer.CLUSTER, source: cluster.clusterName }, values: cluster.values });
  return layers;
}

function patchMatches(patch: ObjectPatch, obj: KubeObject): boolean {
  return (
    obj.kind === patch.kind &&
    (patch.name === undefined || obj.metadata.name === patch.name) &&
    (patch.namespace === undefined || obj.metadata.namespace === patch.namespace)
  );
}

/**
 * Applies RFC 6902 operations strictly: unlike `JsonPatch.apply`, a path that does not exist is an
 * error rather than silently created.
 */
function applyPatch(obj: KubeObject, ops: readonly JsonPatch[]): KubeObject {
  return applyJsonPatch(
    obj,
    ops.map((op) => op._toJson() as Operation),
    true,
  ).newDocument;
}

function finalize(manifest: KubeObject, clusterScoped: boolean): SynthesizedObject {
  registerSecretsOf(manifest);
  const yaml = toYamlDocument(manifest);
  return { id: objectId(manifest, clusterScoped), manifest, yaml, sha256: sha256(yaml) };
}

/**
 * Synthesizes every cluster's manifests. Validates the whole fleet first and renders every bundle
 * for every cluster it targets, collecting every problem; throws one {@link FleetValidationError}
 * listing all of them if any is an error. Deterministic: the same fleet gives the same result,
 * whatever the order its constructs were declared in.
 *
 * @param fleet the fleet
 * @param options which region to synthesize
 * @throws FleetValidationError listing every error and warning
 */
export function synthesizeFleet(fleet: Fleet, options: SynthOptions = {}): FleetSynthesis {
  const problems = new ProblemList();
  validateFleet(fleet, problems);
  // Schema checks of this run: each distinct object content and set of values is checked once.
  const objectSchemas = new ObjectSchemas();
  const valuesSchemas = new ValuesSchemas();
  const emittedBy = new WeakMap<KubeObject, string>();
  const regions = fleet.regions;
  if (options.region !== undefined && !regions.includes(options.region)) {
    problems.error(
      `region '${options.region}'`,
      `no cluster is in this region; use one of ${regions.map((r) => `'${r}'`).join(', ') || '(none: the fleet has no clusters)'}`,
    );
  }
  const facts = clusterFacts(fleet);
  // Renders shared between clusters live as long as this call.
  const run = new SynthesisRun();
  const groupsByName = new Map(fleet.clusterGroups.map((g) => [g.groupName, g]));
  const overlays = new Map(fleet.regionOverlays.map((o) => [o.region, o]));
  const overlayPatchUsed = new Map<RegionOverlay, boolean[]>(fleet.regionOverlays.map((o) => [o, o.patches.map(() => false)]));
  const bundles = fleet.bundles;
  const clusters: SynthesizedCluster[] = [];

  for (const cluster of fleet.clusters) {
    if (options.region !== undefined && cluster.region !== options.region) continue;
    const f = facts.get(cluster) as ClusterFacts;
    const groups = f.groups.map((g) => groupsByName.get(g.name) as ClusterGroup);
    const overlay = overlays.get(cluster.region);

    // 1. Render every bundle placed on the cluster.
    const rendered: {
      bundle: Bundle;
      placement: Placement;
      values: EffectiveValues;
      defaultNamespace: string;
      namespace?: string;
      objects: KubeObject[];
    }[] = [];
    for (const bundle of bundles) {
      const placement = placeBundle(bundle.targets, bundle.targetCustomizations, bundle.targetCustomizationMode, f);
      if (!placement.deployed) continue;
      const subject = `bundle '${bundle.bundleName}' on cluster '${cluster.clusterName}'`;
      const ns = effectiveNamespaces(bundle, placement);
      const defaultNamespace = ns.defaultNamespace.value;
      const namespace = ns.namespace?.value;
      const values = mergeValues(valueLayers(bundle, cluster, groups, overlay, placement));
      // Values that break the bundle's valuesSchema: the bundle is not rendered for this cluster.
      if (bundle.valuesSchema && !valuesSchemas.check(bundle.bundleName, bundle.valuesSchema, cluster.clusterName, values, problems)) {
        continue;
      }
      const ctx: BundleContext = {
        cluster: { name: cluster.clusterName, region: cluster.region, labels: cluster.labels },
        bundle: bundle.bundleName,
        namespace: namespace ?? defaultNamespace,
        values: values.values,
        run,
      };
      const objects: KubeObject[] = [];
      for (const source of bundle.sources) {
        try {
          const emitted = source.render(ctx);
          for (const o of emitted) emittedBy.set(o, source.description);
          objects.push(...emitted);
        } catch (e) {
          if (e instanceof SourceError) problems.error(e.subject, e.message);
          else problems.error(subject, `${source.description} failed: ${(e as Error).message}`);
        }
      }
      rendered.push({ bundle, placement, values, defaultNamespace, namespace, objects });
    }

    // 2. Namespaces, overlay, customizations and labels; then identity checks.
    const customKinds = clusterScopedCustomKinds(rendered.flatMap((r) => r.objects));
    const customResources = objectSchemas.customKinds(rendered.flatMap((r) => r.objects));
    const owners = new Map<string, string>();
    const explicitNamespaces = new Set<string>();
    const neededNamespaces = new Set<string>();
    const out: SynthesizedBundle[] = [];
    for (const r of rendered) {
      const name = r.bundle.bundleName;
      const subject = `bundle '${name}' on cluster '${cluster.clusterName}'`;
      const customizationPatches = r.placement.customizations.flatMap((i) =>
        (r.bundle.targetCustomizations[i].patches ?? []).map((p) => ({
          patch: p,
          from: r.placement.customizationNames[r.placement.customizations.indexOf(i)],
        })),
      );
      const customizationUsed = customizationPatches.map(() => false);
      const objects: SynthesizedObject[] = [];
      for (let obj of r.objects) {
        const source = emittedBy.get(obj) ?? 'objects';
        const scoped = isClusterScoped(obj, customKinds);
        if (scoped && r.namespace) {
          problems.error(
            subject,
            `${obj.kind} '${obj.metadata.name}' is cluster-scoped but the bundle forces namespace '${r.namespace}'; move the object to a bundle without 'namespace' or use 'defaultNamespace' instead`,
          );
          continue;
        }
        if (!scoped) obj.metadata.namespace = r.namespace ?? obj.metadata.namespace ?? r.defaultNamespace;
        if (overlay) {
          if (overlay.imageRegistry) rewriteImages(obj, overlay.imageRegistry);
          if (Object.keys(overlay.labels).length > 0) obj.metadata.labels = { ...obj.metadata.labels, ...overlay.labels };
          if (Object.keys(overlay.annotations).length > 0)
            obj.metadata.annotations = { ...obj.metadata.annotations, ...overlay.annotations };
          const used = overlayPatchUsed.get(overlay) as boolean[];
          overlay.patches.forEach((p, i) => {
            if (!patchMatches(p, obj)) return;
            used[i] = true;
            try {
              obj = applyPatch(obj, p.ops);
            } catch (e) {
              problems.error(
                `region overlay '${overlay.region}'`,
                `patch #${i + 1} failed on ${obj.kind} '${obj.metadata.name}' of ${subject}: ${(e as Error).message.split('\n')[0]}; fix the patch path or operation`,
              );
            }
          });
        }
        customizationPatches.forEach(({ patch, from }, i) => {
          if (!patchMatches(patch, obj)) return;
          customizationUsed[i] = true;
          try {
            obj = applyPatch(obj, patch.ops);
          } catch (e) {
            problems.error(
              subject,
              `patch of customization '${from}' failed on ${obj.kind} '${obj.metadata.name}': ${(e as Error).message.split('\n')[0]}; fix the patch path or operation`,
            );
          }
        });
        const patched = overlay?.patches.some((p) => patchMatches(p, obj)) || customizationPatches.some((c) => patchMatches(c.patch, obj));
        const fixIn = `its source (${source})${patched ? ' or the patch that sets it' : ''}`;
        objectSchemas.check(obj, customResources, subject, fixIn, problems);
        obj.metadata.labels = {
          ...obj.metadata.labels,
          [FLEET_LABEL]: fleet.fleetName,
          [BUNDLE_LABEL]: name,
          [CLUSTER_LABEL]: cluster.clusterName,
        };
        const synthesized = finalize(obj, scoped);
        const key = describeObject(synthesized.id);
        const owner = owners.get(key);
        if (owner !== undefined) {
          problems.error(
            `cluster '${cluster.clusterName}'`,
            `bundles '${owner}' and '${name}' both emit ${key}; an object can belong to one bundle only: remove it from one of them or rename it`,
          );
          continue;
        }
        owners.set(key, name);
        if (obj.kind === 'Namespace' && obj.apiVersion === 'v1') explicitNamespaces.add(obj.metadata.name);
        objects.push(synthesized);
      }
      customizationPatches.forEach(({ patch, from }, i) => {
        if (!customizationUsed[i]) {
          problems.error(
            subject,
            `patch of customization '${from}' targets ${patch.kind}${patch.name ? ` '${patch.name}'` : ''}${patch.namespace ? ` in namespace '${patch.namespace}'` : ''}, which the bundle does not emit; fix kind/name/namespace or remove the patch`,
          );
        }
      });
      const releaseNamespace = r.namespace ?? r.defaultNamespace;
      if (!BUILTIN_NAMESPACES.has(releaseNamespace)) neededNamespaces.add(releaseNamespace);
      objects.sort((a, b) => compareApplyOrder(a.id, b.id));
      out.push({
        name,
        target: r.placement.customizationNames[0] ?? (r.placement.target as string),
        matchedTarget: r.placement.target as string,
        customizations: r.placement.customizationNames,
        dependsOn: r.bundle.dependsOn,
        defaultNamespace: r.defaultNamespace,
        namespace: r.namespace,
        values: r.values,
        objects,
      });
    }
    const namespaces = [...neededNamespaces]
      .filter((ns) => !explicitNamespaces.has(ns))
      .sort(byteOrder)
      .map((ns) =>
        finalize(
          {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: ns, labels: { [FLEET_LABEL]: fleet.fleetName, [CLUSTER_LABEL]: cluster.clusterName } },
          },
          true,
        ),
      );
    clusters.push({
      name: cluster.clusterName,
      region: cluster.region,
      labels: cluster.labels,
      groups: f.groups.map((g) => g.name).sort(byteOrder),
      kubeconfig: cluster.kubeconfig,
      namespaces,
      bundles: out,
    });
  }

  for (const [overlay, used] of overlayPatchUsed) {
    if (options.region !== undefined && overlay.region !== options.region) continue;
    used.forEach((u, i) => {
      if (!u) {
        const p = overlay.patches[i];
        problems.error(
          `region overlay '${overlay.region}'`,
          `patch #${i + 1} targets ${p.kind}${p.name ? ` '${p.name}'` : ''}, which no bundle in region '${overlay.region}' emits; fix kind/name/namespace or remove the patch`,
        );
      }
    });
  }

  if (problems.hasErrors) throw new FleetValidationError(fleet.fleetName, problems.problems);
  return { fleet: fleet.fleetName, clusters, warnings: problems.problems, stats: { ...run.stats } };
}
