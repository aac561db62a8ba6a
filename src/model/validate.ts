import { IConstruct } from 'constructs';
import { Bundle } from './bundle';
import { FleetValidationError, Problem, ProblemList } from './errors';
import { Fleet } from './fleet';
import { byteOrder, checkDnsLabel, suggestDnsLabel, checkLabels } from './names';
import { propProblems } from './schemas';
import { checkSelector } from './selector';
import { clusterFacts } from './placement';
import { BundleTarget, describeCriteria, hasCriteria, targetMatches, targetNames } from './targeting';

function duplicates(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const n of names) (seen.has(n) ? dup : seen).add(n);
  return [...dup].sort(byteOrder);
}

/**
 * Finds a cycle in the bundle dependency graph.
 *
 * @returns the cycle as bundle names, first repeated last (`a → b → a`), or undefined
 */
export function findCycle(edges: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'visiting') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (!edges.has(next)) continue;
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of [...edges.keys()].sort(byteOrder)) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * The problems in the props of a fleet's constructs (the fleet, clusters, cluster groups, region
 * overlays and bundles), found by their runtime schemas when they were created: wrong types,
 * missing required props, unknown props (typos), invalid operators and enum values, values that are
 * not JSON, circular or too large. Each names the construct, the property path, the value, what is
 * allowed and the fix. Empty when every construct's props are valid.
 *
 * @param fleet the fleet
 */
export function checkFleetProps(fleet: Fleet): Problem[] {
  return [fleet, ...fleet.clusters, ...fleet.clusterGroups, ...fleet.regionOverlays, ...fleet.bundles].flatMap((c) => [...propProblems(c)]);
}

/**
 * Throws when a fleet's constructs were given invalid props (see {@link checkFleetProps}); the CLI
 * calls it as soon as a fleet is loaded, so no command works on a fleet it cannot trust.
 *
 * @param fleet the fleet
 * @throws FleetValidationError listing every invalid prop of every construct
 */
export function assertValidFleetProps(fleet: Fleet): void {
  const problems = checkFleetProps(fleet);
  if (problems.length > 0) throw new FleetValidationError(fleet.fleetName, problems);
}

/**
 * Checks everything about a fleet that can be known before rendering: the props of every construct
 * (their runtime schemas), names, labels, selectors, references, targets and dependency cycles.
 * Adds every problem found to `problems`. Constructs with invalid props are reported once, by their
 * schema, and skip the checks below; when there are any, the fleet is not rendered: this throws a
 * {@link FleetValidationError} with every problem found so far.
 *
 * @internal
 */
export function validateFleet(fleet: Fleet, problems: ProblemList): void {
  let invalidProps = false;
  /** Reports a construct's prop problems; true when it has none, so its own checks can run. */
  const propsValid = (construct: IConstruct): boolean => {
    const found = propProblems(construct);
    found.forEach((p) => problems.add(p));
    if (found.length > 0) invalidProps = true;
    return found.length === 0;
  };
  const fleetNameProblem = propsValid(fleet) ? checkDnsLabel(fleet.fleetName) : undefined;
  if (fleetNameProblem) problems.error(`fleet '${fleet.fleetName}'`, `name ${fleetNameProblem}; rename the fleet`);

  const clusters = fleet.clusters;
  const groups = fleet.clusterGroups;
  const bundles = fleet.bundles;
  const overlays = fleet.regionOverlays;

  for (const name of duplicates(clusters.map((c) => c.clusterName))) {
    const paths = clusters.filter((c) => c.clusterName === name).map((c) => c.node.path);
    problems.error(
      `cluster '${name}'`,
      `is defined ${paths.length} times (${paths.join(', ')}); cluster names must be unique: rename or remove one`,
    );
  }
  for (const c of clusters) {
    if (!propsValid(c)) continue;
    const subject = `cluster '${c.clusterName}'`;
    const nameProblem = checkDnsLabel(c.clusterName);
    if (nameProblem) problems.error(subject, `name ${nameProblem}; rename the cluster`);
    const regionProblem = checkDnsLabel(c.region);
    if (regionProblem) problems.error(subject, `region ${regionProblem}; use a region name such as 'us-west'`);
    for (const m of checkLabels(c.labels)) problems.error(subject, `${m}; fix the cluster's labels`);
  }

  for (const name of duplicates(groups.map((g) => g.groupName))) {
    problems.error(`cluster group '${name}'`, 'is defined more than once; group names must be unique: rename or remove one');
  }
  for (const g of groups) {
    if (!propsValid(g)) continue;
    const subject = `cluster group '${g.groupName}'`;
    const nameProblem = checkDnsLabel(g.groupName);
    if (nameProblem) problems.error(subject, `name ${nameProblem}; rename the group`);
    for (const m of checkLabels(g.labels)) problems.error(subject, `${m}; fix the group's labels`);
    if (g.selector) for (const m of checkSelector(g.selector)) problems.error(subject, `selector ${m}`);
    for (const member of g.explicitMembers) {
      if (!clusters.includes(member as (typeof clusters)[number])) {
        problems.error(subject, `member ${member.node.path} is not a cluster of fleet '${fleet.fleetName}'; define it inside the fleet`);
      }
    }
    if (!clusters.some((c) => g.contains(c))) {
      problems.warning(
        subject,
        'has no member clusters: its selector matches no cluster and none was added; fix the selector or add clusters',
      );
    }
  }

  const regions = new Set(clusters.map((c) => c.region));
  for (const region of duplicates(overlays.map((o) => o.region))) {
    problems.error(`region overlay '${region}'`, 'is defined more than once; merge them into one overlay per region');
  }
  for (const o of overlays) {
    if (!propsValid(o)) continue;
    const subject = `region overlay '${o.region}'`;
    if (!regions.has(o.region)) {
      problems.error(
        subject,
        `no cluster is in region '${o.region}'; known regions are ${
          [...regions]
            .sort(byteOrder)
            .map((r) => `'${r}'`)
            .join(', ') || '(none)'
        }: fix the region name or remove the overlay`,
      );
    }
    for (const m of checkLabels(o.labels)) problems.error(subject, `${m}; fix the overlay's labels`);
    if (o.imageRegistry !== undefined && !/^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._/-]+)?$/.test(o.imageRegistry)) {
      problems.error(
        subject,
        `imageRegistry '${o.imageRegistry}' is not a registry host (e.g. 'mirror.us-west.example.com' or 'registry:5000/mirror')`,
      );
    }
  }

  const bundleNames = new Set(bundles.map((b) => b.bundleName));
  const groupNames = new Set(groups.map((g) => g.groupName));
  const facts = [...clusterFacts(fleet).values()];
  for (const name of duplicates(bundles.map((b) => b.bundleName))) {
    problems.error(`bundle '${name}'`, 'is defined more than once; bundle names must be unique: rename or remove one');
  }
  for (const b of bundles) {
    if (!propsValid(b)) continue;
    validateBundle(
      b,
      problems,
      bundleNames,
      groupNames,
      facts.map((f) => f.name),
      (t) => facts.some((f) => targetMatches(t, f)),
    );
  }

  const edges = new Map(bundles.map((b) => [b.bundleName, b.dependsOn]));
  const cycle = findCycle(edges);
  if (cycle) {
    problems.error(`bundle '${cycle[0]}'`, `dependsOn forms a cycle: ${cycle.join(' → ')}; remove one of these dependencies`);
  }
  if (invalidProps) throw new FleetValidationError(fleet.fleetName, problems.problems);
}

function validateBundle(
  b: Bundle,
  problems: ProblemList,
  bundleNames: ReadonlySet<string>,
  groupNames: ReadonlySet<string>,
  clusterNames: readonly string[],
  matchesAny: (t: BundleTarget) => boolean,
): void {
  const subject = `bundle '${b.bundleName}'`;
  const nameProblem = checkDnsLabel(b.bundleName);
  if (nameProblem) problems.error(subject, `name ${nameProblem}; rename the bundle`);
  for (const m of checkLabels(b.labels)) problems.error(subject, `${m}; fix the bundle's labels`);
  for (const [field, ns] of [
    ['defaultNamespace', b.defaultNamespace],
    ['namespace', b.namespace],
  ] as const) {
    const p = ns === undefined ? undefined : checkDnsLabel(ns);
    if (p) problems.error(subject, `${field} ${p}; use a name such as '${suggestDnsLabel(ns as string)}'`);
  }
  if (b.targets.length === 0) {
    problems.error(
      subject,
      'has no targets, so it would go nowhere; add targets, e.g. targets: [{ clusterSelector: {} }] for every cluster',
    );
  }
  if (b.sources.length === 0) {
    problems.warning(subject, 'has no sources, so it deploys nothing; add a source with Source.chart(), Source.yaml() or addSource()');
  }
  for (const dep of b.dependsOn) {
    if (dep === b.bundleName) problems.error(subject, 'depends on itself; remove it from dependsOn');
    else if (!bundleNames.has(dep))
      problems.error(subject, `dependsOn '${dep}', which is not a bundle of the fleet; fix the name or define the bundle`);
  }
  const names = targetNames(b.targetCustomizations, b.targets);
  const entries = [
    ...b.targets.map((t, i) => ({ t, what: `target '${names.targets[i]}'` })),
    ...b.targetCustomizations.map((t, i) => ({ t, what: `customization '${names.customizations[i]}'` })),
  ];
  for (const { t, what } of entries) {
    for (const [field, sel] of [
      ['clusterSelector', t.clusterSelector],
      ['clusterGroupSelector', t.clusterGroupSelector],
    ] as const) {
      if (sel != null) for (const m of checkSelector(sel)) problems.error(subject, `${what} ${field} ${m}`);
    }
    if (t.clusterGroup && !groupNames.has(t.clusterGroup)) {
      problems.error(
        subject,
        `${what} refers to cluster group '${t.clusterGroup}', which does not exist; known groups are ${
          [...groupNames]
            .sort(byteOrder)
            .map((g) => `'${g}'`)
            .join(', ') || '(none)'
        }; define the group with new ClusterGroup(fleet, '${t.clusterGroup}', …) or fix the name`,
      );
    } else if (!hasCriteria(t)) {
      problems.warning(
        subject,
        `${what} has no criteria and matches nothing; set clusterName, clusterSelector, clusterGroup or clusterGroupSelector`,
      );
    } else if (!matchesAny(t)) {
      const unknownName = t.clusterName && !clusterNames.includes(t.clusterName) ? ` (no cluster is named '${t.clusterName}')` : '';
      problems.warning(subject, `${what} [${describeCriteria(t)}] matches no cluster${unknownName}`);
    }
  }
  for (const [i, c] of b.targetCustomizations.entries()) {
    for (const [field, ns] of [
      ['defaultNamespace', c.defaultNamespace],
      ['namespace', c.namespace],
    ] as const) {
      const p = ns ? checkDnsLabel(ns) : undefined;
      if (p)
        problems.error(
          subject,
          `customization '${names.customizations[i]}' ${field} ${p}; use a name such as '${suggestDnsLabel(ns as string)}'`,
        );
    }
  }
}
