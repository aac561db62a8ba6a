/**
 * Read tracking for render contexts: a source renders once, through a proxy that records every
 * value it reads, and later contexts that agree on all those reads reuse the result. This is how a
 * chart that only reads `values.replicas` is rendered three times for a thousand clusters.
 *
 * @internal
 */

type Path = readonly PropertyKey[];

/** One observation: reading `path` gave `seen` (a JSON text of a primitive, a key list or a presence flag). */
interface Read {
  readonly path: Path;
  readonly how: 'get' | 'keys' | 'has';
  readonly prop?: PropertyKey;
  readonly seen: string;
}

function at(root: unknown, path: Path): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function observe(root: unknown, read: Read): string {
  const node = at(root, read.path);
  switch (read.how) {
    case 'keys':
      return node !== null && typeof node === 'object' ? JSON.stringify(Reflect.ownKeys(node).map(String)) : 'none';
    case 'has':
      return node !== null && typeof node === 'object' && (read.prop as PropertyKey) in node ? 'yes' : 'no';
    case 'get': {
      const value =
        node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[read.prop as PropertyKey] : undefined;
      return value !== null && typeof value === 'object'
        ? Array.isArray(value)
          ? 'array'
          : 'object'
        : (JSON.stringify(value) ?? 'undefined');
    }
    default: {
      const unreachable: never = read.how;
      throw new Error(`unknown read '${String(unreachable)}'`);
    }
  }
}

/** A read-only view of `root` that records what is read. */
export function trackReads<T extends object>(root: T): { view: T; reads: Read[] } {
  const reads: Read[] = [];
  const wrap = (target: object, path: Path): object =>
    new Proxy(target, {
      get(t, prop, receiver) {
        const value: unknown = Reflect.get(t, prop, receiver);
        if (typeof prop === 'symbol') return value;
        const read: Read = { path, how: 'get', prop, seen: '' };
        reads.push({ ...read, seen: observe(root, read) });
        return value !== null && typeof value === 'object' ? wrap(value, [...path, prop]) : value;
      },
      has(t, prop) {
        const read: Read = { path, how: 'has', prop, seen: '' };
        reads.push({ ...read, seen: observe(root, read) });
        return Reflect.has(t, prop);
      },
      ownKeys(t) {
        const read: Read = { path, how: 'keys', seen: '' };
        reads.push({ ...read, seen: observe(root, read) });
        return Reflect.ownKeys(t);
      },
      set(_t, prop) {
        throw new TypeError(`the render context is read-only; cannot set '${String(prop)}'`);
      },
      deleteProperty(_t, prop) {
        throw new TypeError(`the render context is read-only; cannot delete '${String(prop)}'`);
      },
    });
  return { view: wrap(root, []) as T, reads };
}

/** Results keyed by what their renders read. Gives up (returns nothing) past `limit` entries. */
export class ReadCache<V> {
  private readonly entries: { reads: readonly Read[]; value: V }[] = [];

  constructor(private readonly limit = 64) {}

  /** A cached value whose reads all observe the same on `root`. */
  public lookup(root: unknown): V | undefined {
    return this.entries.find((e) => e.reads.every((r) => observe(root, r) === r.seen))?.value;
  }

  /** Remembers a value and the reads it depended on. */
  public store(reads: readonly Read[], value: V): void {
    if (this.entries.length < this.limit) this.entries.push({ reads: dedupe(reads), value });
  }
}

function dedupe(reads: readonly Read[]): Read[] {
  const seen = new Set<string>();
  return reads.filter((r) => {
    const key = JSON.stringify([r.path.map(String), r.how, String(r.prop ?? '')]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
