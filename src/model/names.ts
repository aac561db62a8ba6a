import { createHash } from 'node:crypto';

/** A DNS-1123 label: lowercase alphanumerics and '-', starting and ending alphanumeric, ≤ 63. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Compares strings by UTF-16 code unit, never by locale, so ordering is the same everywhere. */
export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Says why `name` is not a DNS-1123 label, or returns undefined when it is one.
 *
 * @param name the value to check
 */
export function checkDnsLabel(name: string): string | undefined {
  if (DNS_LABEL.test(name)) {
    return undefined;
  }
  return `'${name}' is not a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)`;
}

/** A DNS-1123 label close to `name`, for messages: lowercase, other characters as '-'. */
export function suggestDnsLabel(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return s || 'my-namespace';
}

/**
 * Says why `key` is not a valid Kubernetes label key (`[prefix/]name`), or returns undefined.
 *
 * @param key the label key to check
 */
export function checkLabelKey(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return `label key '${key}' has an invalid prefix '${prefix}' (a lowercase DNS subdomain of at most 253 characters)`;
  }
  if (!LABEL_NAME.test(name)) {
    return `label key '${key}' is invalid: the name part must be 1-63 characters of letters, digits, '-', '_' or '.', starting and ending with a letter or digit`;
  }
  return undefined;
}

/**
 * Says why `value` is not a valid Kubernetes label value, or returns undefined.
 *
 * @param key the label key, for the message
 * @param value the label value to check
 */
export function checkLabelValue(key: string, value: string): string | undefined {
  if (value === '' || LABEL_NAME.test(value)) {
    return undefined;
  }
  return `label '${key}' has invalid value '${value}': use at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`;
}

/**
 * Checks every key and value of a label map.
 *
 * @returns one message per invalid key or value
 */
export function checkLabels(labels: Readonly<Record<string, string>>): string[] {
  const messages: string[] = [];
  for (const key of Object.keys(labels).sort(byteOrder)) {
    const keyProblem = checkLabelKey(key);
    if (keyProblem) {
      messages.push(keyProblem);
      continue;
    }
    const value = labels[key];
    if (typeof value !== 'string') {
      messages.push(`label '${key}' must be a string, got ${JSON.stringify(value)}`);
      continue;
    }
    const valueProblem = checkLabelValue(key, value);
    if (valueProblem) {
      messages.push(valueProblem);
    }
  }
  return messages;
}

/**
 * JSON with object keys in byte order at every level: the same value always gives the same text.
 *
 * @param value any JSON-compatible value
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => byteOrder(a, b)))
      : v,
  );
}

/** Hex SHA-256 of a string. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Returns a copy of a string map with its keys in byte order. */
export function sortedRecord<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => byteOrder(a, b)));
}
