/**
 * Turns ajv errors into what fleetwright's messages say: the field path, the offending value and
 * what the schema expected. Shared by the Kubernetes object checks and the bundle values checks.
 *
 * @internal
 */
import type { ErrorObject } from 'ajv';

/** One schema violation at one field. @internal */
export interface Violation {
  /** Path of the field from the checked document's root: keys and array indices. */
  readonly segments: readonly (string | number)[];
  /** Whether the field is present (false for a missing required field). */
  readonly present: boolean;
  /**
   * The field's value, when present.
   *
   * @default - none: the field is missing
   */
  readonly value?: unknown;
  /** What the schema says, as a verb phrase: `expects an integer`, `requires it`, `says it must be <= 10`. */
  readonly expectation: string;
  /** The ajv keyword that failed (`type`, `required`, `additionalProperties`, …). */
  readonly keyword: string;
  /**
   * For `additionalProperties`: the keys the schema allows at the parent, when known.
   *
   * @default - not known
   */
  readonly allowed?: readonly string[];
}

const COMBINATORS = new Set(['oneOf', 'anyOf', 'if']);

function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The path segments of a JSON pointer into `data`: indices of arrays become numbers. */
function segmentsOf(pointer: string, data: unknown): (string | number)[] {
  const out: (string | number)[] = [];
  let node: unknown = data;
  for (const key of decodePointer(pointer)) {
    if (Array.isArray(node)) {
      const i = Number(key);
      out.push(i);
      node = node[i];
    } else {
      out.push(key);
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return out;
}

function valueAtSegments(data: unknown, segments: readonly (string | number)[]): unknown {
  let node: unknown = data;
  for (const s of segments) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[s];
  }
  return node;
}

const ARTICLE: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'a boolean',
  object: 'an object (a map)',
  array: 'an array (a list)',
  null: 'null',
};

/** What a single (non-combinator) error expects, as a noun phrase, or undefined for other rules. */
function expectedNoun(err: ErrorObject): string | undefined {
  const p = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'type': {
      const types = Array.isArray(p.type) ? (p.type as string[]) : String(p.type).split(',');
      return types.map((t) => ARTICLE[t] ?? t).join(' or ');
    }
    case 'enum':
      return `one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return JSON.stringify(p.allowedValue);
    case 'format':
      return `a string in format "${String(p.format)}"`;
    default:
      return undefined;
  }
}

function ruleOf(err: ErrorObject): string {
  return err.message ? `says it ${err.message}` : `fails its "${err.keyword}" rule`;
}

/**
 * Converts ajv errors (from a validator run with `allErrors`) into violations: one per field and
 * rule, `required` and `additionalProperties` pointing at the missing or unknown field, and the
 * branches of a `oneOf`/`anyOf` over scalars merged (`expects an integer or a string`).
 *
 * @param errors the validator's errors
 * @param data the document that was checked
 * @internal
 */
export function violationsOf(errors: readonly ErrorObject[], data: unknown): Violation[] {
  const byPointer = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    const list = byPointer.get(e.instancePath);
    if (list) list.push(e);
    else byPointer.set(e.instancePath, [e]);
  }
  const out: Violation[] = [];
  const seen = new Set<string>();
  const push = (v: Violation): void => {
    const key = `${JSON.stringify(v.segments)} ${v.expectation}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(v);
  };
  for (const [pointer, group] of byPointer) {
    const segments = segmentsOf(pointer, data);
    const value = valueAtSegments(data, segments);
    const combinators = group.filter((e) => COMBINATORS.has(e.keyword));
    const plain = group.filter((e) => !COMBINATORS.has(e.keyword));
    if (combinators.some((e) => e.keyword !== 'if') && plain.length > 0 && plain.every((e) => expectedNoun(e) !== undefined)) {
      // The branches of a oneOf/anyOf all failed at this field: one message listing every branch.
      const nouns = [...new Set(plain.map((e) => expectedNoun(e) as string))];
      push({ segments, present: true, value, expectation: `expects ${nouns.join(' or ')}`, keyword: combinators[0].keyword });
      continue;
    }
    for (const e of plain) {
      const p = e.params as Record<string, unknown>;
      if (e.keyword === 'required') {
        push({ segments: [...segments, String(p.missingProperty)], present: false, expectation: 'requires it', keyword: 'required' });
      } else if (e.keyword === 'additionalProperties') {
        const key = String(p.additionalProperty);
        const schema = e.parentSchema as { properties?: Record<string, unknown> } | undefined;
        push({
          segments: [...segments, key],
          present: true,
          value: valueAtSegments(value, [key]),
          expectation: 'does not allow it',
          keyword: 'additionalProperties',
          allowed: schema?.properties ? Object.keys(schema.properties) : undefined,
        });
      } else {
        const noun = expectedNoun(e);
        push({ segments, present: true, value, expectation: noun ? `expects ${noun}` : ruleOf(e), keyword: e.keyword });
      }
    }
    // A failed oneOf/anyOf/if whose reasons are reported at deeper fields says nothing more.
    const deeper = errors.some((e) => e.instancePath.startsWith(`${pointer}/`) && !COMBINATORS.has(e.keyword));
    if (plain.length === 0 && !deeper) {
      for (const e of combinators) push({ segments, present: true, value, expectation: ruleOf(e), keyword: e.keyword });
    }
  }
  return out;
}

/**
 * A value as messages show it: JSON, cut at 60 characters.
 *
 * @internal
 */
export function showValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
