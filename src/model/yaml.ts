/**
 * The one place YAML is read and written.
 *
 * Parsing goes through `yaml` (eemeli/yaml) everywhere: it keeps line numbers for messages, reads
 * YAML 1.2 as Kubernetes' own parser does, and parses multi-document streams without surprises.
 * Writing goes through js-yaml's `dump`, here only: it sorts keys, never wraps lines and quotes
 * strings that YAML 1.1 readers (kubectl, Helm) would read as booleans or numbers, which is what
 * makes synthesis byte-identical run after run; every file fleetwright has ever written was
 * produced this way, so changing the writer would change every user's `dist/` and every diff.
 */
import { dump } from 'js-yaml';
import { parse, parseAllDocuments } from 'yaml';
import { KubeObject } from './objects';
import { redact } from './redaction';

/**
 * Serializes one object as a YAML document: keys sorted, no line wrapping, Secret data redacted,
 * and strings that YAML 1.1 readers such as kubectl would take for booleans or numbers (`yes`,
 * `on`, `0755`) quoted. The same object always gives the same bytes.
 */
export function toYamlDocument(obj: KubeObject): string {
  return dump(redact(obj), { sortKeys: true, lineWidth: -1, noRefs: true });
}

/** Serializes objects as one multi-document YAML string (see {@link toYamlDocument}). */
export function toYaml(objects: readonly KubeObject[]): string {
  return objects.map(toYamlDocument).join('---\n');
}

/**
 * Parses one YAML document (no line numbers; sources that report lines use `yaml`'s documents).
 *
 * @param text the document
 * @returns its value (`undefined` for an empty document)
 */
export function parseYaml(text: string): unknown {
  return parse(text) ?? undefined;
}

/**
 * Parses a multi-document YAML stream.
 *
 * @param text the stream
 * @returns the value of each non-empty document, in order
 * @throws Error with the first document's parse error
 */
export function parseYamlDocuments(text: string): unknown[] {
  const out: unknown[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw doc.errors[0];
    const v = doc.toJS() as unknown;
    if (v !== null && v !== undefined) out.push(v);
  }
  return out;
}
