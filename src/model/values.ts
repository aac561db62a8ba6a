import { FleetError } from './errors';
import { byteOrder } from './names';

/** A JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A tree of values, as Helm values: maps merge key by key, everything else replaces. */
export type Values = { readonly [key: string]: JsonValue };

/**
 * The layers effective values are merged from, lowest precedence first:
 * bundle defaults < cluster group < region overlay < target customization < cluster.
 */
export enum ValueLayer {
  /** `Bundle` `values`: the bundle's defaults. */
  BUNDLE = 'bundle',
  /** `ClusterGroup` `values`, for every group the cluster belongs to, in group-name order. */
  GROUP = 'group',
  /** `RegionOverlay` `values` of the cluster's region. */
  OVERLAY = 'overlay',
  /** `values` of the matching target customization(s), in list order. */
  CUSTOMIZATION = 'customization',
  /** `Cluster` `values`: the most specific layer. */
  CLUSTER = 'cluster',
}

/** Where an effective value came from. */
export interface ValueOrigin {
  /** The layer. */
  readonly layer: ValueLayer;
  /** The name of the bundle, group, overlay region, customization or cluster of that layer. */
  readonly source: string;
}

/** One effective leaf value and the layer that set it. */
export interface ExplainedValue {
  /** Dotted path of the value (`image.tag`); keys containing dots are quoted: `labels."app.kubernetes.io/name"`. */
  readonly path: string;
  /** The effective value (a scalar, an array or an empty map). */
  readonly value: JsonValue;
  /** The layer that set it. */
  readonly origin: ValueOrigin;
}

/** Effective values of one bundle on one cluster, with the provenance of every leaf. */
export interface EffectiveValues {
  /** The merged values. */
  readonly values: Values;
  /** Every leaf with its origin, sorted by path. */
  readonly explained: readonly ExplainedValue[];
}

/** One layer to merge. */
export interface ValueLayerInput {
  /** Where the layer's values come from. */
  readonly origin: ValueOrigin;
  /** The layer's values. */
  readonly values: Values;
}

function isMap(v: unknown): v is Record<string, JsonValue> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function joinPath(prefix: string, key: string): string {
  const part = /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
  return prefix === '' ? part : `${prefix}.${part}`;
}

/** How deep a values tree may be nested: maps and arrays inside each other. */
export const MAX_VALUES_DEPTH = 100;

/** How many keys and array elements a values tree may hold, counted over the whole tree. */
export const MAX_VALUES_ENTRIES = 1_000_000;

/** One reason a values tree is not valid, at a path inside it. */
export interface ValuesIssue {
  /** Where in the tree: keys and array indexes from the root; empty for the root itself. */
  readonly path: readonly (string | number)[];
  /** What is wrong and how to fix it, phrased to follow the path: `is circular: …`. */
  readonly message: string;
}

/** Options of {@link checkValues}. */
export interface CheckValuesOptions {
  /**
   * Also report values that are not JSON (functions, class instances, `undefined`, `NaN`, …).
   * Without it only what would break merging is reported: cycles, depth and size.
   *
   * @default true
   */
  readonly jsonOnly?: boolean;
  /**
   * Stop after this many issues.
   *
   * @default 10
   */
  readonly maxIssues?: number;
}

/** Whether `v` is a plain object (`{}` literal, `Object.create(null)`, parsed JSON or YAML), from any realm. */
function isPlainObject(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/**
 * A property path for messages: `targets[0].clusterSelector`, `values.labels."app.kubernetes.io/name"`.
 *
 * @param path keys and array indexes from the root
 */
export function formatPropertyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else {
      const key = String(part);
      out += `${out === '' ? '' : '.'}${/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key) ? key : JSON.stringify(key)}`;
    }
  }
  return out;
}

function notJson(v: unknown): string | undefined {
  switch (typeof v) {
    case 'function':
      return 'is a function, which is not JSON; compute the value before passing it (values hold strings, numbers, booleans, null, arrays and plain objects)';
    case 'undefined':
      return 'is undefined, which is not JSON; remove the key, or set it to null to remove an inherited value';
    case 'symbol':
      return `is a symbol (${String(v)}), which is not JSON; use a string`;
    case 'bigint':
      return `is a bigint (${String(v)}n), which is not JSON; use a number or a string`;
    case 'number':
      return Number.isFinite(v) ? undefined : `is ${String(v)}, which is not JSON; use a finite number or a string`;
    case 'object': {
      if (v === null || Array.isArray(v) || isPlainObject(v)) return undefined;
      const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
      return `is an instance of ${typeof name === 'string' && name ? name : 'a class'}, which is not JSON; convert it to a string, number or plain object (e.g. date.toISOString())`;
    }
    default:
      return undefined;
  }
}

/**
 * Checks that a values tree can be merged and rendered: a plain object at the root, no cycles, at
 * most {@link MAX_VALUES_DEPTH} levels and {@link MAX_VALUES_ENTRIES} keys and elements, and (unless
 * `jsonOnly` is false) nothing but JSON. Linear in the size of the tree; shared (non-circular)
 * references are fine.
 *
 * @param values the tree to check
 * @param options what to report
 * @returns the issues found, empty when the tree is valid
 */
export function checkValues(values: unknown, options: CheckValuesOptions = {}): ValuesIssue[] {
  const jsonOnly = options.jsonOnly ?? true;
  const maxIssues = options.maxIssues ?? 10;
  const issues: ValuesIssue[] = [];
  if (!isMap(values) || (jsonOnly && !isPlainObject(values))) {
    issues.push({
      path: [],
      message: `is ${describeValue(values)}, but must be a map of values (a plain object such as { replicas: 3 })`,
    });
    return issues;
  }
  const path: (string | number)[] = [];
  // Objects on the path from the root to the current node, with their depth: a cycle is a reference back to one.
  const ancestors = new Map<object, number>();
  let entries = 0;
  let stop = false;
  const add = (message: string): void => {
    issues.push({ path: [...path], message });
    if (issues.length >= maxIssues) stop = true;
  };
  const visit = (v: unknown): void => {
    if (jsonOnly) {
      const problem = notJson(v);
      if (problem) return add(problem);
    }
    if (v === null || typeof v !== 'object') return;
    const seenAt = ancestors.get(v);
    if (seenAt !== undefined) {
      return add(
        `is circular: it refers back to ${formatPropertyPath(['values', ...path.slice(0, seenAt)])}, so the tree never ends; values must be a tree: put a copy there (structuredClone) instead of the object itself`,
      );
    }
    if (path.length >= MAX_VALUES_DEPTH) {
      stop = true;
      return add(
        `is nested more than ${MAX_VALUES_DEPTH} levels deep (the limit for values); flatten the values, or move such data into a file that a source reads`,
      );
    }
    ancestors.set(v, path.length);
    const keys: (string | number)[] = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
    entries += keys.length;
    if (entries > MAX_VALUES_ENTRIES) {
      stop = true;
      return add(
        `makes the values hold more than ${MAX_VALUES_ENTRIES.toLocaleString('en-US')} keys and array elements (the limit for values); keep large data out of values: put it in a file that a source reads (Source.yaml, Helm valuesFiles) or split it across bundles`,
      );
    }
    for (const key of keys) {
      path.push(key);
      visit((v as Record<string | number, unknown>)[key]);
      path.pop();
      if (stop) break;
    }
    ancestors.delete(v);
  };
  visit(values);
  return issues;
}

/**
 * Describes a value for messages: `'env=prod' (a string)`, `3 (a number)`, `a function`,
 * `an instance of Date`, `an array of 2`, `an object with keys a, b`.
 */
export function describeValue(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return `${JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v).replace(/^"|"$/g, "'")} (a string)`;
    case 'number':
      return `${String(v)} (a number)`;
    case 'boolean':
      return `${String(v)} (a boolean)`;
    case 'undefined':
      return 'undefined';
    case 'function':
      return 'a function';
    case 'symbol':
      return `a symbol (${String(v)})`;
    case 'bigint':
      return `${String(v)}n (a bigint)`;
    default: {
      if (v === null) return 'null';
      if (Array.isArray(v)) return v.length === 0 ? 'an empty array' : `an array of ${v.length}`;
      if (!isPlainObject(v as object)) {
        const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
        return `an instance of ${typeof name === 'string' && name ? name : 'a class'}`;
      }
      const keys = Object.keys(v as object);
      if (keys.length === 0) return 'an empty object';
      return `an object with key${keys.length === 1 ? '' : 's'} ${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', …' : ''}`;
    }
  }
}

/** How messages name the construct a layer of values comes from. */
/** A layer in a message: `customization 'prod'`, `region overlay 'us-west'`, `the values of bundle 'web'`. */
export function describeOrigin(origin: ValueOrigin): string {
  switch (origin.layer) {
    case ValueLayer.BUNDLE:
      return `the values of bundle '${origin.source}'`;
    case ValueLayer.GROUP:
      return `cluster group '${origin.source}'`;
    case ValueLayer.OVERLAY:
      return `region overlay '${origin.source}'`;
    case ValueLayer.CUSTOMIZATION:
      return `customization '${origin.source}'`;
    case ValueLayer.CLUSTER:
      return `cluster '${origin.source}'`;
    default:
      return `${String(origin.layer)} '${origin.source}'`;
  }
}

/** Thrown by {@link mergeValues} for a layer whose values cannot be merged (a cycle, too deep, too large). */
export class ValuesError extends FleetError {
  /** The layer the values come from. */
  public readonly origin: ValueOrigin;
  /** What is wrong, at which paths. */
  public readonly issues: readonly ValuesIssue[];

  /**
   * @param origin the layer the values come from
   * @param issues what is wrong, at which paths
   */
  constructor(origin: ValueOrigin, issues: readonly ValuesIssue[]) {
    super('', `${describeOrigin(origin)}: ${issues.map((i) => `${formatPropertyPath(['values', ...i.path])} ${i.message}`).join('; ')}`);
    this.name = 'ValuesError';
    this.origin = origin;
    this.issues = issues;
  }
}

/**
 * Merges value layers in order (later layers win) with Helm's rules: maps merge key by key,
 * arrays and scalars replace, and `null` removes a key. Records which layer set every leaf.
 *
 * A well-kept deep-merge library cannot tell where each leaf came from, which `explain` needs, so
 * the merge is written here; it is small and covered by property tests. It is linear in the total
 * size of the layers (plus sorting the explained paths): provenance is kept per map node, so
 * replacing a subtree drops its provenance with it.
 *
 * @param layers the layers, lowest precedence first
 * @throws ValuesError naming the layer and the path when a layer is circular, nested deeper than
 * {@link MAX_VALUES_DEPTH} or holds more than {@link MAX_VALUES_ENTRIES} keys and elements
 */
export function mergeValues(layers: readonly ValueLayerInput[]): EffectiveValues {
  for (const layer of layers) {
    const issues = checkValues(layer.values, { jsonOnly: false, maxIssues: 1 });
    if (issues.length > 0) throw new ValuesError(layer.origin, issues);
  }

  const result: Record<string, JsonValue> = {};
  // The origin of every leaf, kept on the map that holds it: a replaced subtree takes its origins along.
  const origins = new WeakMap<object, Map<string, ValueOrigin>>();
  const originsOf = (node: object): Map<string, ValueOrigin> => {
    let m = origins.get(node);
    if (!m) origins.set(node, (m = new Map()));
    return m;
  };
  const copy = (v: JsonValue): JsonValue => (v !== null && typeof v === 'object' ? structuredClone(v) : v);

  const mergeInto = (target: Record<string, JsonValue>, source: Values, origin: ValueOrigin): void => {
    for (const key of Object.keys(source)) {
      const incoming = source[key];
      if (incoming === null) {
        delete target[key];
        origins.get(target)?.delete(key);
        continue;
      }
      const current = target[key];
      const nonEmptyMap = isMap(incoming) && Object.keys(incoming).length > 0;
      if (nonEmptyMap && isMap(current)) {
        mergeInto(current, incoming, origin);
      } else if (nonEmptyMap) {
        const fresh: Record<string, JsonValue> = {};
        target[key] = fresh;
        origins.get(target)?.delete(key);
        mergeInto(fresh, incoming, origin);
      } else {
        target[key] = copy(incoming);
        originsOf(target).set(key, origin);
      }
    }
  };

  for (const layer of layers) {
    mergeInto(result, layer.values, layer.origin);
  }
  const explained: ExplainedValue[] = [];
  const walk = (node: Record<string, JsonValue>, prefix: string): void => {
    for (const key of Object.keys(node)) {
      const path = joinPath(prefix, key);
      const v = node[key];
      if (isMap(v) && Object.keys(v).length > 0) {
        walk(v, path);
      } else {
        explained.push({ path, value: v, origin: origins.get(node)?.get(key) as ValueOrigin });
      }
    }
  };
  walk(result, '');
  explained.sort((a, b) => byteOrder(a.path, b.path));
  return { values: result, explained };
}

/**
 * Reads a value by dotted path, or returns `fallback` when it is missing.
 *
 * @example
 * const replicas = valueAt(ctx.values, 'replicas', 1);
 */
export function valueAt<T extends JsonValue>(values: Values, path: string, fallback: T): T {
  let node: JsonValue | undefined = values as JsonValue;
  for (const part of path.split('.')) {
    if (!isMap(node)) return fallback;
    node = node[part];
  }
  return node === undefined ? fallback : (node as T);
}
