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

/**
 * Merges value layers in order (later layers win) with Helm's rules: maps merge key by key,
 * arrays and scalars replace, and `null` removes a key. Records which layer set every leaf.
 *
 * A well-kept deep-merge library cannot tell where each leaf came from, which `explain` needs, so
 * the merge is written here; it is small and covered by property tests.
 *
 * @param layers the layers, lowest precedence first
 */
export function mergeValues(layers: readonly ValueLayerInput[]): EffectiveValues {
  const result: Record<string, JsonValue> = {};
  const origins = new Map<string, ValueOrigin>();

  const forget = (prefix: string): void => {
    for (const key of [...origins.keys()]) {
      if (key === prefix || key.startsWith(`${prefix}.`)) origins.delete(key);
    }
  };

  const mergeInto = (target: Record<string, JsonValue>, source: Values, prefix: string, origin: ValueOrigin): void => {
    for (const key of Object.keys(source)) {
      const path = joinPath(prefix, key);
      const incoming = source[key];
      if (incoming === null) {
        delete target[key];
        forget(path);
        continue;
      }
      const current = target[key];
      if (isMap(incoming) && isMap(current) && Object.keys(incoming).length > 0) {
        mergeInto(current, incoming, path, origin);
        continue;
      }
      forget(path);
      if (isMap(incoming) && Object.keys(incoming).length > 0) {
        const fresh: Record<string, JsonValue> = {};
        target[key] = fresh;
        mergeInto(fresh, incoming, path, origin);
      } else {
        target[key] = structuredClone(incoming);
        origins.set(path, origin);
      }
    }
  };

  for (const layer of layers) {
    mergeInto(result, layer.values, '', layer.origin);
  }
  const explained: ExplainedValue[] = [];
  const walk = (node: Record<string, JsonValue>, prefix: string): void => {
    for (const key of Object.keys(node)) {
      const path = joinPath(prefix, key);
      const v = node[key];
      if (isMap(v) && Object.keys(v).length > 0) {
        walk(v, path);
      } else {
        explained.push({ path, value: v, origin: origins.get(path) as ValueOrigin });
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
