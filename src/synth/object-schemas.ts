import { hash } from 'node:crypto';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { ProblemList } from '../model/errors';
import { KubeObject } from '../model/objects';
import { showValue, Violation, violationsOf } from '../model/_schema-errors';

/** The Kubernetes release whose OpenAPI schemas built-in kinds are checked against (kubernetes-models 4.5). */
export const KUBERNETES_SCHEMA_VERSION = '1.33';

/** A kubernetes-models class: its prototype's `validate()` checks `this` and throws on errors. */
interface ModelClass {
  readonly apiVersion: string;
  readonly kind: string;
  readonly prototype: { validate(this: unknown): void };
}

/** The schema of one served version of a custom resource, from a CRD of the cluster's synthesis. */
interface CustomVersion {
  readonly schema: Record<string, unknown>;
  /**
   * Content hash of `schema`, computed when a custom resource first needs it.
   *
   * @default - not computed yet
   */
  key?: string;
}

/** What the CRDs of one cluster's synthesis declare, by `group/kind`. */
interface CustomKind {
  /** The CRD's name, e.g. `certificates.cert-manager.io`. */
  readonly crd: string;
  /** Versions, by name; a version without a schema maps to undefined. */
  readonly versions: ReadonlyMap<string, CustomVersion | undefined>;
}

/**
 * The custom resource kinds the CRDs of one cluster's synthesis declare, with their schemas.
 * Build it with {@link ObjectSchemas.customKinds}.
 *
 * @internal
 */
export type CustomKinds = ReadonlyMap<string, CustomKind>;

/** One object's violations, before they are told for a cluster. */
interface CheckResult {
  /** What the object was checked against: `the Kubernetes 1.33 schema of apps/v1 Deployment`. */
  readonly against: string;
  readonly violations: readonly Violation[];
  /** An error that is not a field's, given the object's description: an apiVersion the CRD does not define. */
  readonly error?: (object: string) => string;
  /** Why the object could not be checked (a CRD schema ajv cannot compile). */
  readonly warning?: string;
}

const API_VERSION = /^(?:[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?\/)?v[0-9]+(?:(?:alpha|beta)[0-9]+)?$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;
const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A field path the way Kubernetes prints it: `spec.template.spec.containers[0].image`, `metadata.labels["app.kubernetes.io/name"]`. */
export function kubeFieldPath(segments: readonly (string | number)[]): string {
  return segments
    .map((s, i) => (typeof s === 'number' ? `[${s}]` : PLAIN_KEY.test(s) ? `${i === 0 ? '' : '.'}${s}` : `[${JSON.stringify(s)}]`))
    .join('');
}

/**
 * Kubernetes prunes `null` fields of custom resources whose schema does not allow null before it
 * validates them; checks a copy without them.
 */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isMap(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v);
  return out;
}

/**
 * A CRD's structural schema as plain JSON Schema for ajv: `x-kubernetes-int-or-string` becomes
 * `integer or string`; the other `x-kubernetes-*` extensions need nothing (ajv ignores them).
 */
function toAjvSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toAjvSchema);
  if (!isMap(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    // `properties`, `definitions`… map names to schemas: keep the names, convert the schemas.
    out[k] =
      ['properties', 'patternProperties', 'definitions'].includes(k) && isMap(v)
        ? Object.fromEntries(Object.entries(v).map(([name, s]) => [name, toAjvSchema(s)]))
        : toAjvSchema(v);
  }
  if (out['x-kubernetes-int-or-string'] === true && out.type === undefined) {
    out.type = ['integer', 'string'];
    delete out.anyOf;
    delete out.oneOf;
  }
  return out;
}

/** The cache key of a JSON value's content (one-shot hashing: twice as fast as createHash for small objects). */
function contentKey(value: unknown): string {
  return hash('sha256', JSON.stringify(value), 'base64');
}

function describeKubeObject(obj: KubeObject): string {
  const ns = obj.metadata.namespace;
  return `${obj.kind} ${ns ? `${ns}/` : ''}${obj.metadata.name}`;
}

/**
 * Checks synthesized objects offline against their schemas: built-in kinds against the Kubernetes
 * OpenAPI schemas (the generated validators of `kubernetes-models`), custom resources against the
 * `openAPIV3Schema` of a CRD in the same cluster's synthesis (compiled with ajv). Kinds with
 * neither are not checked. One instance serves one synthesis run: each distinct object content is
 * checked once, and each distinct CRD schema compiled once.
 *
 * @internal
 */
export class ObjectSchemas {
  private readonly builtins = new Map<string, ModelClass | undefined>();
  private readonly compiled = new Map<string, ValidateFunction | string>();
  private readonly results = new Map<string, CheckResult | undefined>();
  private ajv?: Ajv;

  /** The custom kinds the CRDs among `objects` declare (apiextensions.k8s.io v1, and v1beta1's `spec.validation`). */
  public customKinds(objects: readonly KubeObject[]): CustomKinds {
    const kinds = new Map<string, CustomKind>();
    for (const obj of objects) {
      if (obj.kind !== 'CustomResourceDefinition' || !obj.apiVersion.startsWith('apiextensions.k8s.io/')) continue;
      const spec = obj.spec as
        | {
            group?: unknown;
            names?: { kind?: unknown };
            version?: unknown;
            validation?: { openAPIV3Schema?: unknown };
            versions?: { name?: unknown; schema?: { openAPIV3Schema?: unknown } }[];
          }
        | undefined;
      if (!isMap(spec) || typeof spec.group !== 'string' || typeof spec.names?.kind !== 'string') continue;
      const key = `${spec.group}/${spec.names.kind}`;
      if (kinds.has(key)) continue;
      const versions = new Map<string, CustomVersion | undefined>();
      const shared = spec.validation?.openAPIV3Schema;
      for (const v of Array.isArray(spec.versions) ? spec.versions : []) {
        if (typeof v?.name !== 'string') continue;
        const schema = v.schema?.openAPIV3Schema ?? shared;
        versions.set(v.name, isMap(schema) ? { schema } : undefined);
      }
      if (typeof spec.version === 'string' && !versions.has(spec.version))
        versions.set(spec.version, isMap(shared) ? { schema: shared } : undefined);
      kinds.set(key, { crd: obj.metadata.name, versions });
    }
    return kinds;
  }

  /**
   * Checks one object and adds an error to `problems` for every field that does not match its
   * schema.
   *
   * @param obj the object, Secret data included
   * @param customKinds what the CRDs of the object's cluster declare
   * @param subject the problem subject (`bundle 'web' on cluster 'a'`)
   * @param from the source that emitted the object, for the fix
   * @returns whether the object is valid (or has no known schema)
   */
  public check(obj: KubeObject, customKinds: CustomKinds, subject: string, from: string, problems: ProblemList): boolean {
    const result = this.result(obj, customKinds);
    if (!result) return true;
    const what = describeKubeObject(obj);
    if (result.error) problems.error(subject, result.error(what));
    if (result.warning) problems.warning(subject, result.warning);
    const secret = obj.kind === 'Secret' && obj.apiVersion === 'v1';
    for (const v of result.violations) {
      const field = kubeFieldPath(v.segments);
      const fix =
        v.keyword === 'format' && (v.expectation.includes('"byte"') || v.expectation.includes('"binary"'))
          ? `base64-encode it${secret ? ' (or move it to stringData)' : ''} in ${from}`
          : v.present
            ? `fix the value in ${from}`
            : `set it in ${from}`;
      const is = !v.present ? 'is missing' : secret ? 'has an invalid value (not shown: Secret data)' : `is ${showValue(v.value)}`;
      problems.error(subject, `${what}: field ${field} ${is}, but ${result.against} ${v.expectation}; ${fix}`);
    }
    return false;
  }

  /** The violations of one object, cached by its content and the schema it is checked against. */
  private result(obj: KubeObject, customKinds: CustomKinds): CheckResult | undefined {
    const slash = obj.apiVersion.lastIndexOf('/');
    const group = slash < 0 ? '' : obj.apiVersion.slice(0, slash);
    const version = obj.apiVersion.slice(slash + 1);
    const custom = customKinds.get(`${group}/${obj.kind}`);
    if (custom) {
      if (!custom.versions.has(version)) {
        return {
          against: '',
          violations: [],
          error: (what) =>
            `${what}: apiVersion ${obj.apiVersion} is not a version of CRD ${custom.crd}, which defines ${[...custom.versions.keys()].join(', ') || 'no version'}; use one of them`,
        };
      }
      const v = custom.versions.get(version);
      if (!v) return undefined;
      v.key ??= contentKey(v.schema);
      const key = `${v.key} ${contentKey(obj)}`;
      if (this.results.has(key)) return this.results.get(key);
      const validate = this.compile(v.key, v.schema);
      const against = `the schema of CRD ${custom.crd} (version ${version})`;
      let result: CheckResult | undefined;
      if (typeof validate === 'string') {
        // A warning, told once per bundle and cluster: the schema may be valid for Kubernetes and
        // only use what ajv does not support (a Go regular expression such as `(?i)…`).
        result = {
          against,
          violations: [],
          warning: `CRD ${custom.crd} (version ${version}) has an openAPIV3Schema that cannot be compiled for offline checks, so its ${obj.kind} objects are not checked: ${validate}; fix the schema if it is wrong`,
        };
      } else {
        const data = withoutNulls(obj);
        result = validate(data) ? undefined : { against, violations: violationsOf(validate.errors ?? [], data) };
      }
      this.results.set(key, result);
      return result;
    }
    const model = this.builtin(obj.apiVersion, obj.kind);
    if (!model) return undefined;
    const key = contentKey(obj);
    if (this.results.has(key)) return this.results.get(key);
    let result: CheckResult | undefined;
    try {
      model.prototype.validate.call(obj);
    } catch (e) {
      const errors = (e as { errors?: ErrorObject[] }).errors;
      if (!Array.isArray(errors)) throw e;
      result = {
        against: `the Kubernetes ${KUBERNETES_SCHEMA_VERSION} schema of ${obj.apiVersion} ${obj.kind}`,
        violations: violationsOf(errors, obj),
      };
    }
    this.results.set(key, result);
    return result;
  }

  /** The generated model of a built-in kind, or undefined when kubernetes-models has none. */
  private builtin(apiVersion: string, kind: string): ModelClass | undefined {
    const key = `${apiVersion}/${kind}`;
    if (this.builtins.has(key)) return this.builtins.get(key);
    let model: ModelClass | undefined;
    if (API_VERSION.test(apiVersion) && KIND.test(kind)) {
      try {
        // One module per kind, loaded on first use: `kubernetes-models/apps/v1/Deployment`.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const mod = require(`kubernetes-models/${apiVersion}/${kind}`) as Record<string, unknown>;
        const candidate = mod[kind] as Partial<ModelClass> | undefined;
        // Guard against modules of non-object types (`apps/v1/DeploymentSpec`).
        if (
          candidate &&
          candidate.apiVersion === apiVersion &&
          candidate.kind === kind &&
          typeof candidate.prototype?.validate === 'function'
        ) {
          model = candidate as ModelClass;
        }
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw e;
      }
    }
    this.builtins.set(key, model);
    return model;
  }

  /** A CRD version's schema compiled once per run, or why it cannot be. */
  private compile(key: string, schema: Record<string, unknown>): ValidateFunction | string {
    let compiled = this.compiled.get(key);
    if (compiled === undefined) {
      if (!this.ajv) {
        // Not strict: CRD schemas carry x-kubernetes-* extensions and OpenAPI keywords (example,
        // externalDocs) ajv does not know; unknown formats are ignored, as Kubernetes does.
        // Patterns are Go regular expressions: read them without the stricter unicode mode.
        this.ajv = new Ajv({ allErrors: true, strict: false, logger: false, verbose: true, unicodeRegExp: false });
        addFormats(this.ajv);
      }
      try {
        compiled = this.ajv.compile(toAjvSchema(schema) as Record<string, unknown>);
      } catch (e) {
        compiled = (e as Error).message;
      }
      this.compiled.set(key, compiled);
    }
    return compiled;
  }
}
