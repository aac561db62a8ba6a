import type { EngineEvent, StepEventMetadata, StepEventStateMetadata } from '@pulumi/pulumi/automation';
import {
  BUNDLE_COMPONENT,
  CLUSTER_COMPONENT,
  NAMESPACES_BUNDLE,
  objectKey,
  parseResourceName,
  PROVIDER_BUNDLE,
  qualifiedKind,
  qualifiedName,
  resourceOwner,
} from '../model/identity';
import { byteOrder, canonicalJson } from '../model/names';
import { KubeObject } from '../model/objects';
import { REDACTED } from '../model/redaction';
import { JsonValue } from '../model/values';
import { resourceError, resourceName } from '../deploy/events';
import { ChangeGrouper, FieldChange, FleetDiff, ObjectChange, StepError } from './compare';

/** Pulumi's marker for a secret value inside a serialized property. */
const SECRET_SIG = '4dabf18193072939515e22adb298388d';
/** How engine events show a secret value. */
export const SECRET_MASK = '[secret]';

const PROVIDER_TYPE = 'pulumi:providers:kubernetes';

const DELETED_OUTSIDE = 'deleted outside fleetwright; `up` recreates it';

/** Steps that are the second half of a replacement already reported by its `replace` step. */
const REPLACEMENT_HALVES = new Set(['create-replacement', 'delete-replaced', 'discard-replaced', 'read-replacement', 'import-replacement']);

/**
 * Splits a Pulumi property path (`spec.containers[0].image`, `metadata.labels["a/b"]`) into
 * segments.
 */
export function parsePropertyPath(p: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of p.matchAll(/\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]|([^.[\]]+)/g)) {
    if (m[1] !== undefined) out.push(JSON.parse(`"${m[1]}"`) as string);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(m[3]);
  }
  return out;
}

/** The value at a property path, or `undefined`. */
export function valueAtPath(obj: unknown, p: string): unknown {
  let cur: unknown = obj;
  for (const seg of parsePropertyPath(p)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

/** A copy with Pulumi secrets replaced by {@link SECRET_MASK}. */
function unsecret(v: unknown): JsonValue | undefined {
  if (v === undefined) return undefined;
  if (v === null || typeof v !== 'object') return v as JsonValue;
  if (Array.isArray(v)) return v.map((x) => unsecret(x) ?? null);
  if ((v as Record<string, unknown>)[SECRET_SIG] !== undefined) return SECRET_MASK;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unsecret(x) ?? null]));
}

/** Whether a path of an object of this type holds secret data that must never be printed. */
function isSecretPath(type: string, p: string): boolean {
  if (type === PROVIDER_TYPE) return true;
  const head = parsePropertyPath(p)[0];
  return type === 'kubernetes:core/v1:Secret' && (head === 'data' || head === 'stringData');
}

const same = (a: unknown, b: unknown): boolean => canonicalJson(unsecret(a) ?? null) === canonicalJson(unsecret(b) ?? null);

/** The manifest-like inputs of a step state, without the provider's private fields. */
function manifest(state: StepEventStateMetadata | undefined): KubeObject | undefined {
  const i = state?.inputs as KubeObject | undefined;
  return i && typeof i.kind === 'string' && i.metadata ? i : undefined;
}

/** Live state to diff against: the refreshed outputs when there are any, else the last inputs. */
function liveState(state: StepEventStateMetadata | undefined): Record<string, unknown> | undefined {
  const o = state?.outputs;
  return o && Object.keys(o).some((k) => !k.startsWith('__')) ? o : state?.inputs;
}

/**
 * @param deployed the inputs as last deployed (a refresh rewrites the step's old inputs to the
 * live values, so they come from the refresh step)
 */
function fieldsOf(md: StepEventMetadata, type: string, deployed: Record<string, unknown> | undefined): FieldChange[] {
  const detailed = md.detailedDiff ?? Object.fromEntries((md.diffs ?? []).map((d) => [d, { diffKind: 'update', inputDiff: true }]));
  const live = liveState(md.old);
  return Object.entries(detailed)
    .sort(([a], [b]) => byteOrder(a, b))
    .map(([p, d]) => {
      const kind = String(d.diffKind);
      const op: FieldChange['op'] = kind.startsWith('add') ? 'add' : kind.startsWith('delete') ? 'remove' : 'replace';
      const secret = isSecretPath(type, p);
      const mask = (v: unknown): JsonValue | undefined =>
        v === undefined ? undefined : secret ? (type === PROVIDER_TYPE ? SECRET_MASK : REDACTED) : unsecret(v);
      const before = op === 'add' ? undefined : mask(valueAtPath(live, p));
      const after = op === 'remove' ? undefined : mask(valueAtPath(md.new?.inputs, p));
      // The fleet did not change this field, yet the cluster's copy differs: it drifted.
      const drift = deployed !== undefined && md.new !== undefined && same(valueAtPath(deployed, p), valueAtPath(md.new.inputs, p));
      return {
        path: p,
        op,
        ...(before === undefined ? {} : { before }),
        ...(after === undefined ? {} : { after }),
        ...(drift ? { drift: true } : {}),
      };
    });
}

function replacementsOf(md: StepEventMetadata): string[] {
  const reasons = Object.entries(md.detailedDiff ?? {})
    .filter(([, d]) => String(d.diffKind).endsWith('-replace'))
    .map(([p]) => `${p} cannot be changed in place`);
  for (const k of md.keys ?? []) if (!reasons.some((r) => r.startsWith(`${k} `))) reasons.push(`${k} cannot be changed in place`);
  return reasons.length > 0 ? reasons.sort(byteOrder) : ['the provider replaces this object'];
}

/** `cluster`, `bundle` and object key of a resource name `<cluster>/<bundle>/<Kind.group>/…`. */
function locate(name: string, type: string, obj: KubeObject | undefined): { cluster: string; bundle: string; object: string } {
  if (type === PROVIDER_TYPE) return { cluster: name, bundle: PROVIDER_BUNDLE, object: 'kubernetes provider' };
  const id = parseResourceName(name);
  if (!id || id.bundle === PROVIDER_BUNDLE) {
    // Not a name fleetwright gives a Kubernetes object.
    const owner = resourceOwner(name);
    return { cluster: owner.cluster, bundle: owner.bundle ?? '', object: obj ? objectKey(obj) : name };
  }
  // Without a manifest, the object is shown as its resource name after `<cluster>/<bundle>/`.
  const tail = id.bundle === NAMESPACES_BUNDLE ? id.name : `${qualifiedKind(id.kind, id.group)}/${qualifiedName(id.namespace, id.name)}`;
  return { cluster: id.cluster, bundle: id.bundle, object: obj ? objectKey(obj) : tail };
}

/** `conflict with "kubectl" … : .spec.replicas` → the manager and the fields. */
export function parseConflict(message: string): StepError['conflict'] {
  const m = /conflicts? with "([^"]+)"/.exec(message);
  if (!m) return undefined;
  const tail = message.slice(m.index);
  const fields = [...tail.matchAll(/(?:^|[\s:])(\.[A-Za-z][^\s,]*)/gm)].map((x) => x[1]);
  return { manager: m[1], fields: [...new Set(fields)].sort(byteOrder) };
}

/**
 * Turns the engine events of `pulumi preview` (one collector per region stack) into the same
 * cluster × bundle × object report as the offline diff: field changes from the provider's detailed
 * diff, drift found by `--refresh` marked as drift, replacements flagged, secrets masked.
 */
export class LivePreviewCollector {
  private readonly steps: { region: string; md: StepEventMetadata }[] = [];
  /** URN → state before the refresh, of objects the refresh found deleted. */
  private readonly deletedOutside = new Map<string, { region: string; type: string; old: StepEventStateMetadata }>();
  private readonly deployedInputs = new Map<string, Record<string, unknown>>();
  private readonly errors = new Map<string, StepError>();

  /** An event handler for one region's preview. */
  public forRegion(region: string): (e: EngineEvent) => void {
    return (e) => this.onEvent(region, e);
  }

  private onEvent(region: string, e: EngineEvent): void {
    const pre = e.resourcePreEvent?.metadata;
    if (pre && pre.op !== 'same' && pre.op !== 'refresh' && pre.op !== 'read') this.steps.push({ region, md: pre });
    const out = e.resOutputsEvent?.metadata;
    // A refresh that finds no object any more: it was deleted outside fleetwright.
    if (out?.op === 'refresh' && out.old && !out.new) this.deletedOutside.set(out.urn, { region, type: out.type, old: out.old });
    if (out?.op === 'refresh' && out.old) this.deployedInputs.set(out.urn, out.old.inputs);
    const error = resourceError(e);
    if (error) {
      const conflict = parseConflict(error.message);
      const prior = this.errors.get(error.resource);
      this.errors.set(error.resource, {
        ...error,
        message: prior ? `${prior.message}\n${error.message}` : error.message,
        ...((conflict ?? prior?.conflict) ? { conflict: conflict ?? prior?.conflict } : {}),
      });
    }
  }

  /** The report, grouped across clusters and regions. */
  public finish(labels: { base: string; head: string }): FleetDiff {
    const grouper = new ChangeGrouper();
    const clustersAdded: string[] = [];
    const clustersRemoved: string[] = [];
    const seen = new Set<string>();
    for (const { region, md } of this.steps) {
      if (REPLACEMENT_HALVES.has(md.op) || seen.has(`${md.op} ${md.urn}`)) continue;
      seen.add(`${md.op} ${md.urn}`);
      const type = md.type;
      const name = resourceName(md.urn);
      if (type === CLUSTER_COMPONENT) {
        if (md.op === 'create') clustersAdded.push(name);
        if (md.op === 'delete') clustersRemoved.push(name);
        continue;
      }
      if (type === BUNDLE_COMPONENT) {
        const { cluster, bundle = '' } = resourceOwner(name);
        if (md.op === 'create' || md.op === 'delete') grouper.target(bundle, cluster, md.op === 'create');
        continue;
      }
      if (!type.startsWith('kubernetes:') && type !== PROVIDER_TYPE) continue;
      const obj = manifest(md.new) ?? manifest(md.old);
      const { cluster, bundle, object } = locate(name, type, obj);
      let change: ObjectChange;
      if (md.op === 'create') {
        change = {
          bundle,
          object,
          kind: 'added',
          fields: [],
          replacement: [],
          ...(this.deletedOutside.has(md.urn) ? { drift: DELETED_OUTSIDE } : {}),
        };
      } else if (md.op === 'delete') {
        change = { bundle, object, kind: 'removed', fields: [], replacement: [] };
      } else if (md.op === 'update' || md.op === 'replace') {
        const fields = fieldsOf(md, type, this.deployedInputs.get(md.urn) ?? md.old?.inputs);
        change = { bundle, object, kind: 'changed', fields, replacement: md.op === 'replace' ? replacementsOf(md) : [] };
      } else {
        continue;
      }
      grouper.add(cluster, region, change);
    }
    // Objects the refresh found deleted whose re-creation the engine did not get to plan (an error
    // stopped it): `up` recreates them all the same.
    for (const [u, { region, type, old }] of this.deletedOutside) {
      if (seen.has(`create ${u}`)) continue;
      const { cluster, bundle, object } = locate(resourceName(u), type, manifest(old));
      grouper.add(cluster, region, { bundle, object, kind: 'added', fields: [], replacement: [], drift: DELETED_OUTSIDE });
    }
    const errors = [...this.errors.values()].sort((a, b) => byteOrder(a.resource, b.resource));
    return grouper.finish({ source: 'live', ...labels, clustersAdded, clustersRemoved, errors });
  }
}
