/**
 * Which fields fleetwright sets on an object differ on the cluster, and whose doing that is, read
 * from server-side apply's managed fields:
 *
 * - only fields the desired manifest sets are compared, so fields the API server defaults and fields
 *   only other managers set (an autoscaler's replicas, a controller's annotations) never count;
 * - a differing field that another manager now owns (an `Update` by `kubectl-edit`, `kubectl-scale`…
 *   takes ownership of what it changes) or that nobody owns any more is **Modified**, naming that
 *   manager;
 * - a differing field fleetwright's own apply still owns means the fleet now wants another value
 *   than the one last applied: **WaitApplied** (`up` has not run since the change);
 * - quantities in quantity fields (limits, requests, capacities…) compare by value (`0.5` =
 *   `500m`); an empty desired map or list sets nothing, and a desired `0`, `false` or `''` equals an
 *   absent one, because the API server omits them;
 * - a list element the fleet added since the last apply is pending.
 *
 * Without a managed-fields entry of fleetwright's (objects applied by hand), every differing field is
 * Modified. Secret values never leave this module: their drift names the key only.
 */
import type { KubeObject } from '../model/objects';
import { isSecret } from '../model/redaction';
import type { FieldDrift } from './schema';

/** A node of a `fieldsV1` set: `f:<field>`, `k:<key JSON>`, `v:<value JSON>`, `i:<index>`, `.`. */
export interface FieldsNode {
  readonly [key: string]: FieldsNode;
}

/** One entry of `metadata.managedFields`. */
export interface ManagedFieldsEntry {
  /** Field manager name. */
  readonly manager?: string;
  /** `Apply` or `Update`. */
  readonly operation?: string;
  /** `status` for changes through the status subresource. */
  readonly subresource?: string;
  /** The fields the manager owns. */
  readonly fieldsV1?: FieldsNode;
}

/** The drift of one object. */
export interface ObjectDrift {
  /** Fields changed on the cluster by someone else. */
  readonly modified: readonly FieldDrift[];
  /** Fields whose desired value fleetwright has not applied yet. */
  readonly pending: readonly FieldDrift[];
}

interface Manager {
  readonly name: string;
  readonly ours: boolean;
}

type Json = unknown;

const isMap = (v: Json): v is Record<string, Json> => v !== null && typeof v === 'object' && !Array.isArray(v);

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
const SUFFIX: Readonly<Record<string, number>> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** A Kubernetes quantity's value (`500m` → 0.5, `1Gi` → 1073741824), or undefined. */
export function quantityValue(v: Json): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const m = QUANTITY.exec(v);
  if (!m) return undefined;
  const base = Number(m[1]);
  const suffix = m[2];
  if (!suffix) return base;
  if (/^[eE]/.test(suffix)) return base * 10 ** Number(suffix.slice(1));
  return base * SUFFIX[suffix];
}

const isEmpty = (v: Json): boolean =>
  v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (isMap(v) && Object.keys(v).length === 0);

/** Zero values the API server omits (`omitempty`): a desired `0`, `false` or `''` may be absent live. */
const isZero = (v: Json): boolean => v === 0 || v === false || v === '';

/**
 * Fields that hold quantities, which the API server stores in canonical form (`0.5` → `500m`):
 * resource limits, requests, claims and quotas, capacities, `sizeLimit`, `storage`.
 */
const QUANTITY_FIELD = /(^|\.)(limits|requests|capacity|allocatable|hard|overhead)(\.|\[)|(^|\.)(sizeLimit|storage)$/;

/**
 * Whether a live value is the desired one, as the API server stores it.
 *
 * @param path where the value is, to know whether it is a quantity
 */
export function sameValue(desired: Json, live: Json, path = ''): boolean {
  // An empty map or list sets no field: whatever the server defaults there is not drift.
  if (isEmpty(desired)) return true;
  if (isZero(desired) && live === undefined) return true;
  if (desired === live) return true;
  if (QUANTITY_FIELD.test(path) && (typeof desired === 'string' || typeof desired === 'number')) {
    const a = quantityValue(desired);
    const b = quantityValue(live);
    return a !== undefined && b !== undefined && Math.abs(a - b) <= Math.abs(a) * 1e-12;
  }
  if (Array.isArray(desired) && Array.isArray(live)) {
    return desired.length === live.length && desired.every((d, i) => sameValue(d, live[i], `${path}[${i}]`));
  }
  if (isMap(desired) && isMap(live)) {
    return Object.keys(desired).every((k) => sameValue(desired[k], live[k], joinPath(path, k)));
  }
  return false;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function joinPath(base: string, key: string): string {
  if (!PLAIN_KEY.test(key)) return `${base}[${JSON.stringify(key)}]`;
  return base === '' ? key : `${base}.${key}`;
}

/** The `k:` key of a keyed-list element that matches `element` (fields it sets must agree). */
function matchingKey(keys: readonly string[], element: Json): Record<string, Json> | undefined {
  if (!isMap(element)) return undefined;
  let best: Record<string, Json> | undefined;
  for (const k of keys) {
    let parsed: Json;
    try {
      parsed = JSON.parse(k.slice(2));
    } catch {
      continue;
    }
    if (!isMap(parsed)) continue;
    const fields = Object.entries(parsed);
    const set = fields.filter(([f]) => element[f] !== undefined);
    if (set.length > 0 && set.every(([f, v]) => sameValue(element[f], v))) best ??= parsed;
  }
  return best;
}

const matchesKey = (element: Json, key: Record<string, Json>): boolean =>
  isMap(element) && Object.entries(key).every(([f, v]) => sameValue(element[f], v));

class DriftWalker {
  readonly modified: FieldDrift[] = [];
  readonly pending: FieldDrift[] = [];

  constructor(
    private readonly managers: readonly Manager[],
    private readonly hideValuesUnder: readonly string[],
    private readonly anyOwnership: boolean,
  ) {}

  walk(desired: Json, live: Json, path: string, nodes: readonly (FieldsNode | undefined)[]): void {
    if (isEmpty(desired)) return; // sets no field
    if (isMap(desired)) {
      if (!isMap(live)) return this.leaf(desired, live, path, nodes);
      for (const k of Object.keys(desired).sort()) {
        this.walk(
          desired[k],
          live[k],
          joinPath(path, k),
          nodes.map((n) => n?.[`f:${k}`]),
        );
      }
      return;
    }
    if (Array.isArray(desired) && desired.length > 0 && Array.isArray(live)) return this.list(desired, live, path, nodes);
    this.leaf(desired, live, path, nodes);
  }

  private list(desired: readonly Json[], live: readonly Json[], path: string, nodes: readonly (FieldsNode | undefined)[]): void {
    const childKeys = [...new Set(nodes.flatMap((n) => Object.keys(n ?? {})))];
    const keyed = childKeys.filter((k) => k.startsWith('k:'));
    if (keyed.length > 0) {
      for (const element of desired) {
        const key = matchingKey(keyed, element);
        if (!key) {
          this.newElement(element, path, nodes);
          continue;
        }
        const keyText = childKeys.find((k) => k.startsWith('k:') && sameValue(JSON.parse(k.slice(2)), key)) as string;
        const label = Object.entries(key)
          .map(([f, v]) => `${f}=${String(v)}`)
          .join(',');
        const match = live.find((l) => matchesKey(l, key));
        this.walk(
          element,
          match,
          `${path}[${label}]`,
          nodes.map((n) => n?.[keyText]),
        );
      }
      return;
    }
    if (childKeys.some((k) => k.startsWith('v:'))) {
      // A set of scalars: every desired value must be there.
      const missing = desired.filter((d) => !live.some((l) => sameValue(d, l)));
      if (missing.length > 0) this.leaf(desired, live, path, nodes);
      return;
    }
    if (childKeys.some((k) => k.startsWith('i:')) || (!this.anyOwnership && desired.length === live.length)) {
      desired.forEach((d, i) =>
        this.walk(
          d,
          live[i],
          `${path}[${i}]`,
          nodes.map((n) => n?.[`i:${i}`]),
        ),
      );
      return;
    }
    this.leaf(desired, live, path, nodes);
  }

  /**
   * A desired element of a keyed list that no manager knows: the fleet added it since fleetwright
   * last applied the list (pending) — or, when fleetwright never applied the list, someone else
   * manages it (modified).
   */
  private newElement(element: Json, path: string, nodes: readonly (FieldsNode | undefined)[]): void {
    const name = isMap(element) && typeof element.name === 'string' ? `name=${element.name}` : '?';
    const at = `${path}[${name}]`;
    const ours = this.managers.some((m, i) => m.ours && nodes[i] !== undefined);
    const drift: FieldDrift = { path: at, ...(this.hidden(at) ? {} : { desired: element }) };
    (ours ? this.pending : this.modified).push(drift);
  }

  private hidden(path: string): boolean {
    return this.hideValuesUnder.some((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));
  }

  private leaf(desired: Json, live: Json, path: string, nodes: readonly (FieldsNode | undefined)[]): void {
    if (sameValue(desired, live, path)) return;
    const owners = this.managers.filter((_, i) => nodes[i] !== undefined);
    const ours = owners.some((m) => m.ours);
    const other = owners.find((m) => !m.ours);
    const hidden = this.hidden(path);
    const drift: FieldDrift = {
      path,
      ...(hidden || desired === undefined ? {} : { desired }),
      ...(hidden || live === undefined ? {} : { live }),
      ...(other ? { manager: other.name } : {}),
    };
    (ours && !other ? this.pending : this.modified).push(drift);
  }
}

/** The parts of a manifest fleetwright compares: everything but identity, status and server metadata. */
function comparable(obj: KubeObject): Record<string, Json> {
  const rest: Record<string, Json> = {};
  for (const [k, v] of Object.entries(obj)) if (!['apiVersion', 'kind', 'metadata', 'status'].includes(k)) rest[k] = v;
  const metadata: Record<string, Json> = {};
  if (obj.metadata.labels) metadata.labels = obj.metadata.labels;
  if (obj.metadata.annotations) metadata.annotations = obj.metadata.annotations;
  return { metadata, ...rest };
}

/** A Secret's `stringData` folded into `data` (base64), as the API server stores it. */
function storedSecret(obj: KubeObject): KubeObject {
  const stringData = obj.stringData as Record<string, string> | undefined;
  if (!stringData) return obj;
  const data = { ...((obj.data as Record<string, string> | undefined) ?? {}) };
  for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(v, 'utf8').toString('base64');
  const stored: KubeObject = { ...obj, data };
  delete stored.stringData;
  return stored;
}

/** A Secret's managed fields with `f:stringData` keys counted as `f:data` keys (the server stores them there). */
function foldStringData(fields: FieldsNode): FieldsNode {
  const stringData = fields['f:stringData'];
  if (!stringData) return fields;
  return { ...fields, 'f:data': { ...fields['f:data'], ...stringData } };
}

/**
 * The fields of `desired` whose value on the cluster (`live`) differs, split into Modified (changed
 * by someone else) and pending (fleetwright's apply owns a value the fleet no longer wants).
 *
 * @param manager fleetwright's field manager name
 */
export function objectDrift(desired: KubeObject, live: KubeObject, manager: string): ObjectDrift {
  const secret = isSecret(desired);
  const want = secret ? storedSecret(desired) : desired;
  const entries = ((live.metadata.managedFields as ManagedFieldsEntry[] | undefined) ?? []).filter(
    (e) => e.subresource !== 'status' && e.fieldsV1 !== undefined,
  );
  const managers: Manager[] = entries.map((e) => ({
    name: e.manager ?? '(unknown manager)',
    ours: e.manager === manager && e.operation === 'Apply',
  }));
  const anyOwnership = managers.some((m) => m.ours);
  const walker = new DriftWalker(managers, secret ? ['data', 'binaryData'] : [], anyOwnership);
  walker.walk(
    comparable(want),
    comparable(live),
    '',
    entries.map((e) => (secret ? foldStringData(e.fieldsV1 as FieldsNode) : e.fieldsV1)),
  );
  if (!anyOwnership) return { modified: [...walker.modified, ...walker.pending], pending: [] };
  return { modified: walker.modified, pending: walker.pending };
}
