import { IConstruct } from 'constructs';
import { z } from 'zod';
import { Problem, Severity } from './errors';
import { KubeconfigKind } from './kubeconfig';
import type { RolloutPartition, RolloutStrategy } from './rollout';
import type { LabelSelector, LabelSelectorRequirement } from './selector';
import { BundleTarget, ObjectPatch, TargetCustomization } from './targeting';
import { checkValues, describeValue, formatPropertyPath } from './values';

// Runtime schemas of every construct's props. Fleets written in JavaScript, built from YAML or
// assembled with casts bypass the TypeScript types, so each construct checks its props when it is
// created and keeps the problems for validation (`validateFleet`, `checkFleetProps`) to report
// with all the others. Every message follows the property path: `<path> is <value>, but must be
// <what is allowed>; <the fix>`.

/** An error map: the message for a value a schema refuses. */
type ErrorFor = (input: unknown) => string;

/** `is <value>, but must be <allowed>; <fix>`, or `is missing, …` for an absent required property. @internal */
export function mustBe(allowed: string, fix?: string | ((input: unknown) => string | undefined)): ErrorFor {
  return (input) => {
    const f = typeof fix === 'function' ? fix(input) : fix;
    return `${input === undefined ? 'is missing' : `is ${describeValue(input)}`}, but must be ${allowed}${f ? `; ${f}` : ''}`;
  };
}

/** The `error` parameter of a zod schema, from an {@link ErrorFor}. @internal */
export function err(message: ErrorFor): { error: (issue: { input?: unknown }) => string } {
  return { error: (issue) => message(issue.input) };
}

/** @internal */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A JavaScript literal for fixes: `'prod'`, `{ env: 'prod' }`. */
function literal(v: unknown): string {
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (isObject(v)) {
    const entries = Object.entries(v).map(([k, x]) => `${/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : literal(k)}: ${literal(x)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  if (Array.isArray(v)) return `[${v.map(literal).join(', ')}]`;
  return String(v);
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      diag = row[j];
      row[j] = next;
    }
  }
  return row[b.length];
}

/** The allowed name closest to `key`, when it is close enough to be a typo. @internal */
export function closest(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const d = distance(key, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/**
 * An object schema that reports unknown properties (typos) with the closest known one, and a value
 * that is not an object with `allowed`.
 *
 * @internal
 */
export function strict<S extends z.ZodRawShape>(
  shape: S,
  what: string,
  allowed: string,
  fix?: string | ((input: unknown) => string | undefined),
): z.ZodObject<S, z.core.$loose> {
  const keys = Object.keys(shape);
  return z.looseObject(shape, err(mustBe(allowed, fix))).superRefine(
    (value, ctx) => {
      for (const key of Object.keys(value)) {
        if (keys.includes(key)) continue;
        const near = closest(key, keys);
        ctx.addIssue({
          code: 'custom',
          path: [key],
          input: value[key],
          message: `is not a property of ${what}${near ? ` (did you mean '${near}'?)` : ''}; the properties are ${keys.join(', ')}: ${
            near ? `rename it to '${near}'` : 'fix the spelling or remove it'
          }`,
        });
      }
    },
    { when: (payload) => isObject(payload.value) },
  );
}

/** A schema whose whole check is a function returning a message, or undefined when the value is fine. @internal */
export function custom<T>(check: (v: unknown) => string | undefined): z.ZodCustom<T, T> {
  return z.custom<T>().superRefine((v, ctx) => {
    const message = check(v);
    if (message !== undefined) ctx.addIssue({ code: 'custom', message, input: v });
  });
}

/** Every key of the props interface `P` must have a schema: a prop added to `P` but not here fails to compile. @internal */
export function shapeOf<P>() {
  return <S extends { [K in keyof P]-?: z.ZodType }>(shape: S): S => shape;
}

/** @internal */
export const unquote = (input: unknown): string | undefined =>
  typeof input === 'number' || typeof input === 'boolean' ? `quote it: '${String(input)}'` : undefined;

/** @internal */
export const str = (allowed: string, fix?: string | ((input: unknown) => string | undefined)): z.ZodString =>
  z.string(err(mustBe(allowed, fix ?? unquote)));

const bool = () =>
  z.boolean(err(mustBe('true or false', (input) => (input === 'true' || input === 'false' ? `write ${input} without quotes` : undefined))));

/** @internal */
export const labelsSchema = (what: string): z.ZodRecord<z.ZodString, z.ZodString> =>
  z.record(
    z.string(),
    str("a string label value such as 'prod'"),
    err(mustBe(`a map of ${what} keys to string values, such as { env: 'prod' }`)),
  );

// ---- label selectors -------------------------------------------------------------------------------

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

function operatorFix(input: unknown): string | undefined {
  if (typeof input !== 'string') return 'write the operator as a string';
  const exact = OPERATORS.find((o) => o.toLowerCase() === input.toLowerCase().replace(/[\s_-]/g, ''));
  if (exact) return `write '${exact}' (operators are case-sensitive)`;
  if (['=', '==', 'equals', 'eq'].includes(input.toLowerCase())) return "use 'In' with values: [...]";
  if (['!=', 'not', 'ne'].includes(input.toLowerCase())) return "use 'NotIn' with values: [...]";
  const near = closest(input, OPERATORS);
  return near ? `did you mean '${near}'?` : undefined;
}

const requirementSchema = strict(
  shapeOf<LabelSelectorRequirement>()({
    key: str("a label key such as 'env'"),
    operator: z.enum(OPERATORS, err(mustBe("one of 'In', 'NotIn', 'Exists' or 'DoesNotExist'", operatorFix))),
    values: z.array(str('a string'), err(mustBe("a list of strings such as ['prod']"))).optional(),
  }),
  'a selector requirement',
  "a requirement such as { key: 'env', operator: 'In', values: ['prod'] }",
);

/** A fix for a selector written as a string: the equivalent selector object. */
function selectorFix(input: unknown): string | undefined {
  if (typeof input !== 'string') return "write it as an object such as { matchLabels: { env: 'prod' } } ({} matches every cluster)";
  const labels: Record<string, string> = {};
  for (const part of input.split(',')) {
    const m = /^\s*([^=!\s]+)\s*==?\s*([^=\s]*)\s*$/.exec(part);
    if (!m) return "a selector is not a string: write it as an object such as { matchLabels: { env: 'prod' } } ({} matches every cluster)";
    labels[m[1]] = m[2];
  }
  return `a selector is not a string: write ${literal({ matchLabels: labels })}`;
}

/** @internal */
export const selectorSchema = strict(
  shapeOf<LabelSelector>()({
    matchLabels: labelsSchema('label').optional(),
    matchExpressions: z
      .array(requirementSchema, err(mustBe("a list of requirements such as [{ key: 'env', operator: 'Exists' }]")))
      .optional(),
  }),
  'a label selector',
  'a label selector object with matchLabels and/or matchExpressions',
  selectorFix,
);

// ---- values, sources, references -------------------------------------------------------------------

/** @internal */
export const valuesSchema = z.custom<Record<string, never>>().superRefine((v, ctx) => {
  for (const issue of checkValues(v)) ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message });
});

/** @internal */
export const kubeconfigSchema = custom((v) => {
  const kinds = Object.values(KubeconfigKind) as string[];
  const usage = 'Kubeconfig.fromStackConfig(), Kubeconfig.fromFile(path) or Kubeconfig.fromEnv(variable)';
  if (!isObject(v) || !kinds.includes(v.kind as string) || typeof v.reference !== 'string') {
    // A kubeconfig's contents hold credentials: they are never echoed.
    const contents = typeof v === 'string' && /\n|apiVersion|clusters:|server:|users:|token/.test(v);
    const fix = contents
      ? 'never the kubeconfig itself: keep it in the stack config (pulumi config set --secret) and use Kubeconfig.fromStackConfig()'
      : typeof v === 'string'
        ? `for a file write Kubeconfig.fromFile(${literal(v)})`
        : `use ${usage}`;
    const got = contents ? `a string of ${(v as string).length} characters` : describeValue(v);
    return `is ${got}, but must be a kubeconfig reference (${usage}); ${fix}`;
  }
  if (v.kind === KubeconfigKind.FILE && v.reference.trim() === '') {
    return "is Kubeconfig.fromFile(''), but needs a file path; pass the kubeconfig file's path, e.g. Kubeconfig.fromFile('./edge-1.kubeconfig')";
  }
  if (v.kind === KubeconfigKind.ENV && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(v.reference)) {
    return `is Kubeconfig.fromEnv(${literal(v.reference)}), but an environment variable name is letters, digits and '_', not starting with a digit; e.g. Kubeconfig.fromEnv('KUBECONFIG_EDGE_1')`;
  }
  return undefined;
});

/** @internal */
export const sourceSchema = custom((v) => {
  if (isObject(v) && typeof v.render === 'function' && typeof v.description === 'string') return undefined;
  const fix = typeof v === 'string' ? `for a folder or file of YAML write Source.yaml(${literal(v)})` : 'create it with one of these';
  return `is ${describeValue(v)}, but must be a bundle source: Source.chart(), Source.yaml(), Source.objects(), Source.helm(), Source.kustomize() or an object with description and render(); ${fix}`;
});

const jsonPatchSchema = custom((v) => {
  if (isObject(v) && typeof v._toJson === 'function') return undefined;
  const fix =
    isObject(v) && typeof v.op === 'string' && typeof v.path === 'string'
      ? `write JsonPatch.${v.op}(${literal(v.path)}${'value' in v ? `, ${literal(v.value)}` : ''})`
      : "e.g. JsonPatch.replace('/spec/replicas', 3)";
  return `is ${describeValue(v)}, but must be a JsonPatch operation from cdk8s (JsonPatch.add(), replace(), remove(), copy(), move() or test()); ${fix}`;
});

const patchSchema = strict(
  shapeOf<ObjectPatch>()({
    kind: str("a Kubernetes kind such as 'Deployment'"),
    name: str("an object name such as 'web'").optional(),
    namespace: str("a namespace such as 'web'").optional(),
    ops: z.array(jsonPatchSchema, err(mustBe("a list of JsonPatch operations such as [JsonPatch.replace('/spec/replicas', 3)]"))),
  }),
  'a patch',
  "a patch such as { kind: 'Deployment', ops: [JsonPatch.replace('/spec/replicas', 3)] }",
);

/** @internal */
export const patchesSchema = z.array(patchSchema, err(mustBe('a list of patches'))).optional();

const clusterCountSchema = custom((v) => {
  const usage = 'ClusterCount.of(n) or ClusterCount.percent(p)';
  if (!isObject(v) || typeof v.value !== 'number' || typeof v.isPercent !== 'boolean' || typeof v.resolve !== 'function') {
    const fix =
      typeof v === 'number'
        ? `write ClusterCount.of(${v})`
        : typeof v === 'string' && /^\d+%$/.test(v)
          ? `write ClusterCount.percent(${v.slice(0, -1)})`
          : `use ${usage}`;
    return `is ${describeValue(v)}, but must be a ClusterCount (${usage}); ${fix}`;
  }
  const shown = `ClusterCount.${v.isPercent ? 'percent' : 'of'}(${String(v.value)})`;
  if (!Number.isInteger(v.value) || v.value < 0) return `is ${shown}, but the count must be a whole number, 0 or more`;
  if (v.isPercent && v.value > 100) return `is ${shown}, but a percentage must be between 0 and 100`;
  return undefined;
});

/** @internal */
export const dependencySchema = custom((v) =>
  typeof v === 'string' || (isObject(v) && typeof v.bundleName === 'string')
    ? undefined
    : `is ${describeValue(v)}, but must be a bundle name or a Bundle; e.g. dependsOn: ['web'] or dependsOn: [webBundle]`,
);

/** @internal */
export const clusterRefSchema = custom((v) =>
  isObject(v) && typeof v.clusterName === 'string' && isObject(v.node)
    ? undefined
    : `is ${describeValue(v)}, but must be a Cluster construct${
        typeof v === 'string' ? `; pass the Cluster itself (const c = new Cluster(…)), or select clusters by labels with selector` : ''
      }`,
);

/** A whole number, 1 or more. @internal */
export const positiveInteger = (allowed: string): z.ZodCustom<number, number> =>
  custom<number>((v) =>
    typeof v === 'number' && Number.isInteger(v) && v > 0
      ? undefined
      : mustBe(allowed, (input) =>
          typeof input === 'string' && /^\d+$/.test(input.trim()) ? `write ${input.trim()} without quotes` : undefined,
        )(v),
  );

// ---- targets ---------------------------------------------------------------------------------------

const criteriaShape = {
  clusterName: str("a cluster name such as 'edge-us-west-1'").optional(),
  clusterSelector: selectorSchema.optional(),
  clusterGroup: str("a cluster group name such as 'edge-us-west'").optional(),
  clusterGroupSelector: selectorSchema.optional(),
};

const targetShape = shapeOf<BundleTarget>()({
  name: str("a target name such as 'prod'").optional(),
  ...criteriaShape,
  doNotDeploy: bool().optional(),
});

/** @internal */
export const targetSchema = strict(targetShape, 'a bundle target', "a target such as { name: 'all', clusterSelector: {} }");

/** @internal */
export const customizationSchema = strict(
  shapeOf<TargetCustomization>()({
    ...targetShape,
    values: valuesSchema.optional(),
    defaultNamespace: str("a namespace such as 'web'").optional(),
    namespace: str("a namespace such as 'web'").optional(),
    patches: patchesSchema,
  }),
  'a target customization',
  "a customization such as { name: 'prod', clusterSelector: { matchLabels: { env: 'prod' } }, values: { replicas: 3 } }",
);

const partitionSchema = strict(
  shapeOf<RolloutPartition>()({
    name: str("a partition name such as 'canary'"),
    ...criteriaShape,
    maxUnavailable: clusterCountSchema.optional(),
  }),
  'a rollout partition',
  "a partition such as { name: 'canary', clusterSelector: { matchLabels: { env: 'dev' } } }",
);

/** @internal */
export const rolloutSchema = strict(
  shapeOf<RolloutStrategy>()({
    partitions: z.array(partitionSchema, err(mustBe('a list of partitions'))).optional(),
    maxUnavailable: clusterCountSchema.optional(),
    autoPartitionSize: clusterCountSchema.optional(),
    autoPartitionThreshold: positiveInteger('a whole number of clusters, 1 or more, such as 200').optional(),
  }),
  'a rollout strategy',
  "a rollout strategy such as { partitions: [{ name: 'canary', clusterSelector: { matchLabels: { env: 'dev' } } }] }",
);

/** @internal */
export const dnsLabel = (what: string, example: string): z.ZodString => str(`${what} (a DNS-1123 label such as '${example}')`);

// ---- checking and remembering ----------------------------------------------------------------------

const PROBLEMS = new WeakMap<IConstruct, readonly Problem[]>();

/** Props as checked: the ones to use, and the top-level props that were invalid (and are left out). @internal */
export interface CheckedProps<P> {
  /** The props, without the invalid ones (an empty object when the props were not an object). */
  readonly props: Partial<P>;
  /** Names of the invalid top-level props; `''` when the props as a whole were invalid. */
  readonly invalid: ReadonlySet<string>;
}

/**
 * Checks a construct's props against its schema, remembers every problem for validation and
 * returns the props without the invalid ones, so that nothing downstream sees a value of the wrong
 * shape (an invalid bundle goes nowhere, an invalid selector selects nothing).
 *
 * @param construct the construct being created
 * @param subject how messages name it: `bundle 'web'`
 * @param schema the schema of its props
 * @param props the props as passed, from TypeScript, JavaScript or YAML
 * @internal
 */
export function checkProps<P extends object>(construct: IConstruct, subject: string, schema: z.ZodType, props: unknown): CheckedProps<P> {
  const result = schema.safeParse(props, { reportInput: true });
  if (result.success) {
    PROBLEMS.delete(construct);
    return { props: props as Partial<P>, invalid: new Set() };
  }
  const problems: Problem[] = result.error.issues.map((issue) => ({
    severity: Severity.ERROR,
    subject,
    message: `${formatPropertyPath(issue.path) || 'props'} ${issue.message}`,
  }));
  PROBLEMS.set(construct, problems);
  const invalid = new Set(result.error.issues.map((issue) => (issue.path.length === 0 ? '' : String(issue.path[0]))));
  if (!isObject(props) || invalid.has('')) return { props: {}, invalid: new Set(['']) };
  return { props: Object.fromEntries(Object.entries(props).filter(([k]) => !invalid.has(k))) as Partial<P>, invalid };
}

/**
 * The problems found in a construct's props when it was created (empty when they were valid).
 *
 * @param construct a fleet, cluster, cluster group, bundle or region overlay
 * @internal
 */
export function propProblems(construct: IConstruct): readonly Problem[] {
  return PROBLEMS.get(construct) ?? [];
}

/** The name a construct is known by in messages: its `name` prop when that is a string, else its id. @internal */
export function nameForMessages(props: unknown, key: string, id: string): string {
  const name = isObject(props) ? props[key] : undefined;
  return typeof name === 'string' ? name : id;
}
