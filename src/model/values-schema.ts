import { hash } from 'node:crypto';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { ProblemList } from './errors';
import { describeOrigin, EffectiveValues, ExplainedValue, JsonValue, ValueLayer, ValueOrigin } from './values';
import { showValue, violationsOf } from './_schema-errors';

/** A JSON type name, as JSON Schema's `type` keyword takes it. */
export type JsonSchemaType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

/**
 * A JSON Schema (draft-07, as ajv checks it) describing a bundle's values. Every keyword is
 * optional; keywords not listed here are refused when the schema is compiled, so a misspelt
 * keyword is reported instead of ignored.
 *
 * @example
 * const schema: JsonSchema = {
 *   type: 'object',
 *   additionalProperties: false,
 *   properties: {
 *     replicas: { type: 'integer', minimum: 1, description: 'Pods of the web Deployment' },
 *     image: { type: 'string', description: 'Container image, with tag' },
 *   },
 * };
 */
export interface JsonSchema {
  /** URI of the schema dialect; only draft-07 is supported. @default - draft-07 */
  readonly $schema?: string;
  /** The schema's id. @default - none */
  readonly $id?: string;
  /** A reference to another schema, e.g. `#/definitions/port`. @default - none */
  readonly $ref?: string;
  /** A comment for schema authors. @default - none */
  readonly $comment?: string;
  /** Schemas that `$ref` can point at. @default - none */
  readonly definitions?: Readonly<Record<string, JsonSchema>>;
  /** Schemas that `$ref` can point at (2019-09 spelling, also accepted). @default - none */
  readonly $defs?: Readonly<Record<string, JsonSchema>>;
  /** A short title. @default - none */
  readonly title?: string;
  /** What the value means; `fleetwright explain` shows it next to the value. @default - none */
  readonly description?: string;
  /** Documentation of the usual value; not applied to the values. @default - none */
  readonly default?: JsonValue;
  /** Example values, for documentation. @default - none */
  readonly examples?: readonly JsonValue[];
  /** Whether the value is deprecated (documentation only). @default false */
  readonly deprecated?: boolean;
  /** The allowed JSON type(s). @default - any type */
  readonly type?: JsonSchemaType | readonly JsonSchemaType[];
  /** The allowed values. @default - any value */
  readonly enum?: readonly JsonValue[];
  /** The only allowed value. @default - any value */
  readonly const?: JsonValue;
  /** Numbers: a multiple of this. @default - any */
  readonly multipleOf?: number;
  /** Numbers: at most this. @default - no bound */
  readonly maximum?: number;
  /** Numbers: less than this. @default - no bound */
  readonly exclusiveMaximum?: number;
  /** Numbers: at least this. @default - no bound */
  readonly minimum?: number;
  /** Numbers: more than this. @default - no bound */
  readonly exclusiveMinimum?: number;
  /** Strings: at most this many characters. @default - no bound */
  readonly maxLength?: number;
  /** Strings: at least this many characters. @default 0 */
  readonly minLength?: number;
  /** Strings: must match this regular expression (ECMAScript, unanchored). @default - any */
  readonly pattern?: string;
  /** Strings: a format such as `uri`, `hostname`, `email`, `date-time`, `ipv4` (ajv-formats). @default - any */
  readonly format?: string;
  /** Arrays: the schema of every item. @default - any items */
  readonly items?: JsonSchema | readonly JsonSchema[];
  /** Arrays: the schema of items past a tuple `items` list. @default - any */
  readonly additionalItems?: boolean | JsonSchema;
  /** Arrays: at most this many items. @default - no bound */
  readonly maxItems?: number;
  /** Arrays: at least this many items. @default 0 */
  readonly minItems?: number;
  /** Arrays: whether items must differ. @default false */
  readonly uniqueItems?: boolean;
  /** Arrays: some item must match this. @default - none */
  readonly contains?: JsonSchema;
  /** Maps: at most this many keys. @default - no bound */
  readonly maxProperties?: number;
  /** Maps: at least this many keys. @default 0 */
  readonly minProperties?: number;
  /** Maps: keys that must be present. @default [] */
  readonly required?: readonly string[];
  /** Maps: the schema of each named key. @default {} */
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  /** Maps: schemas of the keys matching each regular expression. @default {} */
  readonly patternProperties?: Readonly<Record<string, JsonSchema>>;
  /** Maps: the schema of other keys, or `false` to refuse them (catches misspelt values). @default true */
  readonly additionalProperties?: boolean | JsonSchema;
  /** Maps: keys or schemas that a key's presence requires. @default {} */
  readonly dependencies?: Readonly<Record<string, JsonSchema | readonly string[]>>;
  /** Maps: the schema every key must match. @default - any key */
  readonly propertyNames?: JsonSchema;
  /** Conditional: when the value matches `if`, it must match `then`, else `else`. @default - none */
  readonly if?: JsonSchema;
  /** See `if`. @default - none */
  readonly then?: JsonSchema;
  /** See `if`. @default - none */
  readonly else?: JsonSchema;
  /** The value must match every one of these. @default - none */
  readonly allOf?: readonly JsonSchema[];
  /** The value must match at least one of these. @default - none */
  readonly anyOf?: readonly JsonSchema[];
  /** The value must match exactly one of these. @default - none */
  readonly oneOf?: readonly JsonSchema[];
  /** The value must not match this. @default - none */
  readonly not?: JsonSchema;
}

const PLAIN_VALUE_KEY = /^[A-Za-z0-9_-]+$/;

/** A path in the style of `explain` (`image.tag`, `labels."app.kubernetes.io/name"`), with `[n]` for array items. */
function valuePath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += `${out === '' ? '' : '.'}${PLAIN_VALUE_KEY.test(s) ? s : JSON.stringify(s)}`;
  }
  return out;
}

/**
 * Splits a path of `explain` back into keys: `labels."app.kubernetes.io/name"` gives
 * `['labels', 'app.kubernetes.io/name']`.
 */
export function splitValuePath(path: string): string[] {
  const keys: string[] = [];
  let i = 0;
  while (i < path.length) {
    if (path[i] === '"') {
      let j = i + 1;
      while (j < path.length && path[j] !== '"') j += path[j] === '\\' ? 2 : 1;
      keys.push(JSON.parse(path.slice(i, j + 1)) as string);
      i = j + 2;
    } else {
      const j = path.indexOf('.', i);
      keys.push(path.slice(i, j < 0 ? path.length : j));
      i = j < 0 ? path.length : j + 1;
    }
  }
  return keys;
}

/** The layers that set the value at `keys` or any value below it, in precedence order. */
function originsOf(explained: readonly ExplainedValue[], keys: readonly string[]): ValueOrigin[] {
  const path = valuePath(keys);
  const order = Object.values(ValueLayer) as string[];
  const found = explained.filter((v) => v.path === path || v.path.startsWith(`${path}.`)).map((v) => v.origin);
  const unique = new Map(found.map((o) => [`${o.layer} ${o.source}`, o]));
  return [...unique.values()].sort((a, b) => order.indexOf(a.layer) - order.indexOf(b.layer));
}

const or = (items: readonly string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;

/**
 * Checks bundles' effective values against their `valuesSchema` with ajv. One instance serves one
 * synthesis run: each schema is compiled once, and each distinct set of values checked once.
 *
 * @internal
 */
export class ValuesSchemas {
  private ajv?: Ajv;
  private readonly compiled = new Map<JsonSchema, ValidateFunction | string>();
  private readonly results = new Map<string, readonly ErrorObject[]>();

  /**
   * Checks one bundle's effective values on one cluster; adds an error to `problems` for each
   * violation, naming the value's path and the layer it came from.
   *
   * @param bundle the bundle's name
   * @param schema the bundle's `valuesSchema`
   * @param cluster the cluster's name
   * @param values the effective values with their provenance
   * @returns whether the values are valid (and the bundle may be rendered)
   */
  public check(bundle: string, schema: JsonSchema, cluster: string, values: EffectiveValues, problems: ProblemList): boolean {
    const validate = this.compile(schema);
    if (typeof validate === 'string') {
      problems.error(`bundle '${bundle}'`, `valuesSchema is not a valid JSON Schema (draft-07): ${validate}; fix the schema`);
      return false;
    }
    const key = `${bundle} ${hash('sha256', JSON.stringify(values.values), 'base64')}`;
    let errors = this.results.get(key);
    if (!errors) {
      errors = validate(values.values) ? [] : [...(validate.errors ?? [])];
      this.results.set(key, errors);
    }
    if (errors.length === 0) return true;
    const subject = `bundle '${bundle}' on cluster '${cluster}'`;
    for (const v of violationsOf(errors, values.values)) {
      // Arrays are one value in explain's provenance: an item's origin is its array's.
      const firstIndex = v.segments.findIndex((s) => typeof s === 'number');
      const keys = (firstIndex < 0 ? v.segments : v.segments.slice(0, firstIndex)) as string[];
      const path = valuePath(v.segments) || '(the values as a whole)';
      const origins = originsOf(values.explained, keys).map(describeOrigin);
      if (!v.present) {
        problems.error(
          subject,
          `value '${path}' is missing, but the bundle's valuesSchema requires it; set it in the bundle's values or in a cluster group, region overlay, customization or cluster`,
        );
        continue;
      }
      const from = origins.length > 0 ? ` (from ${origins.join(' and ')})` : '';
      const where = origins.length > 0 ? or(origins) : `the layer that sets it`;
      if (v.keyword === 'additionalProperties') {
        const known = v.allowed && v.allowed.length > 0 ? ` (it knows ${v.allowed.map((k) => `'${k}'`).join(', ')})` : '';
        problems.error(
          subject,
          `value '${path}'${from} is not in the bundle's valuesSchema${known}; remove it from ${where}, fix its name, or add it to the schema`,
        );
        continue;
      }
      problems.error(
        subject,
        `value '${path}' is ${shownValue(path, v.value)}${from}, but the bundle's valuesSchema ${v.expectation}; fix it in ${where} or change the schema`,
      );
    }
    return false;
  }

  /** The schema compiled once per run, or why it cannot be. */
  private compile(schema: JsonSchema): ValidateFunction | string {
    let compiled = this.compiled.get(schema);
    if (compiled === undefined) {
      if (!this.ajv) {
        // strictSchema refuses unknown keywords and formats (a typo is reported, not ignored);
        // type checks of the schema itself stay lenient ({ properties } without type: 'object').
        this.ajv = new Ajv({ allErrors: true, strictSchema: true, strictTypes: false, strictTuples: false, logger: false, verbose: true });
        addFormats(this.ajv);
      }
      try {
        compiled = this.ajv.compile(schema as Record<string, unknown>);
      } catch (e) {
        compiled = (e as Error).message;
      }
      this.compiled.set(schema, compiled);
    }
    return compiled;
  }
}

/** Resolves a local `$ref` (`#/definitions/x`) against the root schema. */
function resolve(root: JsonSchema, schema: JsonSchema): JsonSchema {
  let s = schema;
  for (let hops = 0; s.$ref !== undefined && s.$ref.startsWith('#') && hops < 16; hops++) {
    let node: unknown = root;
    for (const part of s.$ref.slice(1).split('/').filter(Boolean)) {
      const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    }
    if (!node || typeof node !== 'object') break;
    s = node as JsonSchema;
  }
  return s;
}

/** The subschema of the value under `key`, looking through `properties`, `patternProperties`, `additionalProperties` and `allOf`/`anyOf`/`oneOf`. */
function childSchema(root: JsonSchema, schema: JsonSchema, key: string): JsonSchema | undefined {
  const s = resolve(root, schema);
  const own = s.properties?.[key];
  if (own) return own;
  for (const [pattern, sub] of Object.entries(s.patternProperties ?? {})) {
    try {
      if (new RegExp(pattern, 'u').test(key)) return sub;
    } catch {
      // An invalid pattern is reported by synthesis; explain just skips it.
    }
  }
  for (const branch of [...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? [])]) {
    const found = childSchema(root, branch, key);
    if (found) return found;
  }
  return typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
}

/** Value paths whose strings are never shown in messages: they may be credentials not yet known as secrets. */
const CREDENTIAL_PATH = /pass|secret|token|key|cred|auth|cert|private/i;

const shownValue = (path: string, value: unknown): string =>
  typeof value === 'string' && CREDENTIAL_PATH.test(path)
    ? `a string of ${value.length} characters (not shown: the name says it may be a credential)`
    : showValue(value);

/**
 * The `description` the schema gives the value at an `explain` path (`image.tag`), if any.
 *
 * @param schema a bundle's `valuesSchema`
 * @param path a path as `explain` prints it
 */
export function describeValuePath(schema: JsonSchema, path: string): string | undefined {
  let node: JsonSchema | undefined = schema;
  for (const key of splitValuePath(path)) {
    node = childSchema(schema, node, key);
    if (!node) return undefined;
  }
  return resolve(schema, node).description ?? node.description;
}
