import * as path from 'node:path';
import { BundleContext, SourceError } from '../model/source';
import { KubeObject } from '../model/objects';

/** A path as messages show it: relative to the working directory when inside it, else absolute. */
export function displayPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') ? rel : p;
}

/**
 * What a value that is not an object is, for a message: its type and, for a short scalar, the
 * value. Never a list's or map's content (it may hold a Secret's values).
 */
export function describeNonObject(v: unknown): string {
  if (Array.isArray(v)) return `a list of ${v.length} item${v.length === 1 ? '' : 's'}`;
  if (typeof v === 'string') return v.length <= 40 ? `the string ${JSON.stringify(v)}` : `a string of ${v.length} characters`;
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return `${String(v)}`;
  if (v === undefined) return 'nothing';
  if (typeof v === 'object') return 'a map';
  return `a ${typeof v}`;
}

/**
 * Checks one document or object of a source and returns the objects it stands for: itself, or the
 * items of a `List` (`kind: List` or any `*List` with `items`), each checked, as `kubectl apply`
 * expands them. A List needs no name of its own.
 */
export function objectsOf(obj: unknown, where: string, subject: string): KubeObject[] {
  const o = obj as { kind?: unknown; items?: unknown } | null;
  if (o && typeof o === 'object' && !Array.isArray(o) && typeof o.kind === 'string' && o.kind.endsWith('List') && o.items !== undefined) {
    if (!Array.isArray(o.items)) {
      throw new SourceError(
        subject,
        `${where} is a List whose items is ${describeNonObject(o.items)}; make items a list of Kubernetes objects`,
      );
    }
    return o.items.flatMap((item, i) => {
      if (!item || typeof item !== 'object' || Array.isArray(item)) {
        throw new SourceError(
          subject,
          `${where} item #${i + 1} is not a Kubernetes object (got ${describeNonObject(item)}); every item of a List must be a map with apiVersion, kind and metadata.name: fix or remove it`,
        );
      }
      return objectsOf(item, `${where} item #${i + 1}`, subject);
    });
  }
  return [checkObject(obj, where, subject)];
}

function checkObject(obj: unknown, where: string, subject: string): KubeObject {
  const o = obj as Partial<KubeObject> | null;
  if (!o || typeof o !== 'object' || Array.isArray(o)) {
    throw new SourceError(
      subject,
      `${where} is not a Kubernetes object (got ${describeNonObject(obj)}); every document must be a map with apiVersion, kind and metadata.name: ` +
        (Array.isArray(obj) ? 'write each object as its own document, separated by ---' : 'fix or remove it'),
    );
  }
  const missing = (['apiVersion', 'kind'] as const).filter((k) => typeof o[k] !== 'string' || o[k] === '');
  if (!o.metadata || typeof o.metadata.name !== 'string' || o.metadata.name === '') missing.push('metadata.name' as 'kind');
  if (missing.length > 0) {
    throw new SourceError(
      subject,
      `${where} has no ${missing.join(', ')}; every Kubernetes object needs apiVersion, kind and metadata.name: add ${missing.join(', ')}`,
    );
  }
  return o as KubeObject;
}

/**
 * What a source keeps during one synthesis run (files read, content hashes, reusable renders):
 * the run's copy for `owner`, or a fresh one when the source is rendered outside a run.
 *
 * @param ctx the render context
 * @param owner the source
 * @param create makes the state
 */
export function runState<T>(ctx: Pick<BundleContext, 'run'>, owner: object, create: () => T): T {
  return ctx.run ? ctx.run.owned(owner, create) : create();
}
