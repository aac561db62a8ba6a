import type { KubeObject } from './objects';

/**
 * The one place that decides what is secret and hides it. Two mechanisms:
 * - {@link redact} makes a copy of an object that is safe to write, print or diff: the values of
 *   every `v1` Secret, wherever it sits (top level or inside a `*List`'s items), are replaced.
 * - {@link redactText} hides, in any text about to be printed or logged, every secret string
 *   this process has seen: Secret data (as written and base64-decoded), kubeconfig credentials
 *   and anything passed to {@link registerSecret}. The CLI sends all its output through it.
 */

/** The text every secret value is replaced with. */
export const REDACTED = '<redacted>';

/** Secret strings shorter than this are masked in objects but not searched for in free text. */
export const MIN_SECRET_TEXT_LENGTH = 4;

/** Lines of a multi-line secret at least this long are also hidden on their own (a PEM line, a token). */
export const MIN_SECRET_LINE_LENGTH = 16;

const SECRET_FIELDS = ['data', 'stringData'] as const;

/** Whether the object is a core `v1` Secret. */
export function isSecret(obj: { apiVersion?: unknown; kind?: unknown }): boolean {
  return obj.kind === 'Secret' && obj.apiVersion === 'v1';
}

const isList = (obj: KubeObject): boolean => typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items);

/**
 * A copy of the object that is safe to write, print or diff: every `v1` Secret's `data` and
 * `stringData` values (top level or in a List's items, at any depth) are replaced with
 * {@link REDACTED}; keys stay visible. Objects without secrets are returned as they are.
 */
export function redact(obj: KubeObject): KubeObject {
  if (isSecret(obj)) {
    const copy: KubeObject = { ...obj };
    for (const field of SECRET_FIELDS) {
      const section = obj[field];
      if (section && typeof section === 'object') copy[field] = Object.fromEntries(Object.keys(section).map((k) => [k, REDACTED]));
    }
    return copy;
  }
  if (isList(obj)) {
    const items = obj.items as unknown[];
    const redacted = items.map((i) => (i && typeof i === 'object' ? redact(i as KubeObject) : i));
    return redacted.some((r, n) => r !== items[n]) ? { ...obj, items: redacted } : obj;
  }
  return obj;
}

/** Every secret string of the object (Secret values as written and base64-decoded), at any depth. */
export function secretStrings(obj: KubeObject): string[] {
  if (isList(obj)) return (obj.items as unknown[]).flatMap((i) => (i && typeof i === 'object' ? secretStrings(i as KubeObject) : []));
  if (!isSecret(obj)) return [];
  const out: string[] = [];
  for (const field of SECRET_FIELDS) {
    const section = obj[field];
    if (!section || typeof section !== 'object') continue;
    for (const v of Object.values(section)) {
      if (typeof v !== 'string') continue;
      out.push(v);
      if (field === 'data') out.push(Buffer.from(v, 'base64').toString('utf8'));
    }
  }
  return out;
}

const known = new Set<string>();
let pattern: RegExp | undefined;

/**
 * Remembers a secret string so that {@link redactText} hides it in everything printed from now
 * on. Multi-line values are also remembered line by line (a kubeconfig, a PEM key).
 */
export function registerSecret(value: string): void {
  const lines = value.includes('\n') ? value.split(/\r?\n/).filter((l) => l.trim().length >= MIN_SECRET_LINE_LENGTH) : [];
  for (const s of [value, ...lines]) {
    const t = s.trim();
    if (t.length >= MIN_SECRET_TEXT_LENGTH && t !== REDACTED && !known.has(t)) {
      known.add(t);
      pattern = undefined;
    }
  }
}

const CREDENTIAL_FIELD =
  /^\s*-?\s*(token|client-key-data|client-certificate-data|password|id-token|refresh-token|access-token|client-secret)\s*:\s*["']?([^"'\s]+)["']?\s*$/gm;

/**
 * Remembers a kubeconfig's credentials (tokens, keys, certificates, passwords) and its whole
 * content, without hiding the ordinary lines every kubeconfig has.
 */
export function registerKubeconfig(content: string | undefined): void {
  if (!content) return;
  const whole = content.trim();
  if (whole.length >= MIN_SECRET_TEXT_LENGTH && !known.has(whole)) {
    known.add(whole);
    pattern = undefined;
  }
  for (const m of content.matchAll(CREDENTIAL_FIELD)) registerSecret(m[2]);
}

/** Registers the secret strings of an object (see {@link secretStrings}). */
export function registerSecretsOf(obj: KubeObject): void {
  for (const s of secretStrings(obj)) registerSecret(s);
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Masks credentials recognizable by their shape, registered or not: PEM blocks, the values of
 * `token:`/`password:`/`client-key-data:`-style fields, and `Bearer`/`Basic` credentials.
 */
export function maskCredentialShapes(text: string): string {
  return text
    .replace(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g, '<redacted $1>')
    .replace(
      /\b(token|password|client-key-data|client-certificate-data|id-token|refresh-token|access-token|client-secret)(["']?\s*[:=]\s*["']?)(?!<redacted>|\[secret\])[^\s"',}]+/gi,
      `$1$2${REDACTED}`,
    )
    .replace(/\b(Bearer|Basic)\s+(?!<redacted>)[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${REDACTED}`);
}

/**
 * The text with every registered secret string replaced by {@link REDACTED}, and credentials
 * recognizable by their shape masked (see {@link maskCredentialShapes}).
 */
export function redactText(text: string): string {
  if (text.length === 0) return text;
  return maskCredentialShapes(redactRegistered(text));
}

function redactRegistered(text: string): string {
  if (known.size === 0) return text;
  // Longest first, so a secret that contains another is hidden whole.
  pattern ??= new RegExp(
    [...known]
      .sort((a, b) => b.length - a.length)
      .map(escape)
      .join('|'),
    'g',
  );
  return text.replace(pattern, REDACTED);
}

/** Whether the string is, or is part of, a registered secret (for masking values that feed one). */
export function isSecretText(value: string): boolean {
  if (value.length < MIN_SECRET_TEXT_LENGTH) return false;
  for (const s of known) if (s.includes(value)) return true;
  return false;
}

/**
 * A copy of a value with every string that is, or is part of, a registered secret replaced by
 * {@link REDACTED}: for showing values that feed Secrets (explain, compare).
 */
export function maskSecretValues<T>(value: T): T {
  if (typeof value === 'string') return (isSecretText(value) ? REDACTED : value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => maskSecretValues(v)) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecretValues(v)])) as T;
  return value;
}

/** Forgets every registered secret (tests). */
export function clearRegisteredSecrets(): void {
  known.clear();
  pattern = undefined;
}
