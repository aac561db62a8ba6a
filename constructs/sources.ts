import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Chart } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { ReadCache, trackReads } from './_tracking';
import { helmSource, HelmSourceOptions, KustomizeOptions, kustomizeSource } from './helm';
import { byteOrder } from './names';
import { KubeObject } from './objects';
import { Values } from './values';

/** What a source renders for: one bundle on one cluster. */
export interface BundleContext {
  /** The cluster being rendered for. */
  readonly cluster: {
    /** Cluster name. */
    readonly name: string;
    /** Cluster region. */
    readonly region: string;
    /** Cluster labels. */
    readonly labels: Readonly<Record<string, string>>;
  };
  /** The bundle's name. */
  readonly bundle: string;
  /** The namespace namespaced objects land in (the bundle's `namespace`, else `defaultNamespace`). */
  readonly namespace: string;
  /** Effective values for this bundle on this cluster (see `explain`). */
  readonly values: Values;
}

/**
 * A source of Kubernetes objects for a bundle. Built-in sources: {@link Source.chart},
 * {@link Source.yaml}, {@link Source.objects}, {@link Source.helm} and {@link Source.kustomize}.
 */
export interface IBundleSource {
  /** Short description used in messages, e.g. `yaml fleet/bundles/addons`. */
  readonly description: string;
  /**
   * Renders the objects for one cluster. Throws a {@link SourceError} for bad input; the fleet
   * collects it with every other problem.
   */
  render(ctx: BundleContext): KubeObject[];
}

/** Bad source input (a YAML file that does not parse, an object without a kind, …). */
export class SourceError extends Error {
  /**
   * @param subject the file or source the problem is in, e.g. `file fleet/bundles/addons/rules.yaml`
   * @param message what is wrong and how to fix it
   */
  constructor(
    public readonly subject: string,
    message: string,
  ) {
    super(message);
    this.name = 'SourceError';
  }
}

/** Builds cdk8s constructs into the given chart for one cluster. */
export type ChartFactory = (chart: Chart, ctx: BundleContext) => void;

/** A path as messages show it: relative to the working directory when inside it, else absolute. */
export function displayPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') ? rel : p;
}

function checkObject(obj: unknown, where: string, subject: string): KubeObject {
  const o = obj as Partial<KubeObject> | null;
  if (!o || typeof o !== 'object' || Array.isArray(o)) {
    throw new SourceError(
      subject,
      `${where} is not a Kubernetes object (got ${JSON.stringify(obj)?.slice(0, 60)}); every document must be a map with apiVersion, kind and metadata.name`,
    );
  }
  const missing = (['apiVersion', 'kind'] as const).filter((k) => typeof o[k] !== 'string' || o[k] === '');
  if (!o.metadata || typeof o.metadata.name !== 'string' || o.metadata.name === '') missing.push('metadata.name' as 'kind');
  if (missing.length > 0) {
    throw new SourceError(
      subject,
      `${where} has no ${missing.join(', ')}; every Kubernetes object needs apiVersion, kind and metadata.name`,
    );
  }
  return o as KubeObject;
}

class ChartSource implements IBundleSource {
  public readonly description: string;

  constructor(
    private readonly factory: ChartFactory,
    id: string,
  ) {
    this.description = `chart ${id}`;
  }

  private readonly cache = new ReadCache<KubeObject[]>();

  /**
   * Renders through a read-tracking view of the context and reuses the result for any later
   * context that agrees on everything the factory read (a factory must depend on its context only).
   */
  public render(ctx: BundleContext): KubeObject[] {
    const cached = this.cache.lookup(ctx);
    if (cached) return structuredClone(cached);
    const { view, reads } = trackReads(ctx);
    const app = new App({ outdir: '.' });
    const chart = new Chart(app, ctx.bundle, { namespace: ctx.namespace });
    this.factory(chart, view);
    const objects = chart
      .toJson()
      .map((o: unknown, i: number) => checkObject(o, `object #${i + 1}`, `${this.description} of bundle '${ctx.bundle}'`));
    this.cache.store(
      [
        { path: [], how: 'get', prop: 'bundle', seen: JSON.stringify(ctx.bundle) },
        { path: [], how: 'get', prop: 'namespace', seen: JSON.stringify(ctx.namespace) },
        ...reads,
      ],
      objects,
    );
    return structuredClone(objects);
  }
}

interface ParsedFile {
  readonly objects: KubeObject[];
  readonly error?: SourceError;
}

class YamlSource implements IBundleSource {
  public readonly description: string;
  private parsed?: ParsedFile[];

  constructor(private readonly root: string) {
    this.description = `yaml ${displayPath(root)}`;
  }

  public render(): KubeObject[] {
    this.parsed ??= this.files().map((file) => this.parse(file));
    const firstError = this.parsed.find((p) => p.error);
    if (firstError?.error) throw firstError.error;
    return this.parsed.flatMap((p) => structuredClone(p.objects));
  }

  private files(): string[] {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(this.root);
    } catch {
      throw new SourceError(`path ${displayPath(this.root)}`, 'does not exist; pass an existing YAML file or folder to Source.yaml()');
    }
    if (stat.isFile()) return [this.root];
    const found: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => byteOrder(a.name, b.name))) {
        if (entry.name.startsWith('.')) continue;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/\.ya?ml$/.test(entry.name)) found.push(full);
      }
    };
    walk(this.root);
    return found;
  }

  private parse(file: string): ParsedFile {
    const subject = `file ${displayPath(file)}`;
    const text = fs.readFileSync(file, 'utf8');
    const docs = parseAllDocuments(text, { prettyErrors: false });
    const objects: KubeObject[] = [];
    for (const [i, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
      const err = doc.errors[0];
      if (err) {
        const before = text.slice(0, err.pos[0]).split('\n');
        const at = `line ${before.length}, column ${before[before.length - 1].length + 1}`;
        return { objects, error: new SourceError(subject, `${at}: ${err.message.split('\n')[0]}; fix the YAML syntax`) };
      }
      const value: unknown = doc.toJS();
      if (value == null) continue;
      const start = doc.contents?.range[0] ?? 0;
      const line = text.slice(0, start).split('\n').length;
      objects.push(checkObject(value, `document ${i + 1} (line ${line})`, subject));
    }
    return { objects };
  }
}

class ObjectsSource implements IBundleSource {
  public readonly description = 'objects';

  constructor(private readonly objects: readonly KubeObject[]) {}

  public render(ctx: BundleContext): KubeObject[] {
    return this.objects.map((o, i) => checkObject(structuredClone(o), `object #${i + 1}`, `objects of bundle '${ctx.bundle}'`));
  }
}

/** Factories for the built-in bundle sources. */
export class Source {
  /**
   * Objects built with cdk8s or cdk8s-plus constructs, inside a fresh chart whose id is the bundle
   * name, with a cluster's context. The factory must depend on its context only: it runs once per
   * distinct set of context values it reads (a factory reading only `values.replicas` runs once per
   * distinct replica count), and its result is reused for the other clusters.
   *
   * @param factory builds constructs into the chart
   * @param id names the source in messages
   * @default id "chart"
   */
  public static chart(factory: ChartFactory, id = 'chart'): IBundleSource {
    return new ChartSource(factory, id);
  }

  /**
   * Plain YAML: one file, or every `*.yaml`/`*.yml` file in a folder and its subfolders (hidden
   * files and folders skipped), in byte order of their paths. Parsed once, shared by all clusters.
   *
   * @param fileOrFolder absolute, or relative to the working directory
   */
  public static yaml(fileOrFolder: string): IBundleSource {
    return new YamlSource(path.resolve(fileOrFolder));
  }

  /**
   * A Helm chart from a local folder or a packaged `.tgz`, rendered with the real `helm template`
   * (CRDs included, tests skipped). Values, lowest precedence first: the chart's `values.yaml` <
   * `valuesFiles` < `values` < the bundle's effective values for the cluster (Fleet's per-target
   * values). Rendered once per distinct (chart, values, namespace, release): clusters that agree
   * share one run. A remote chart is refused with a message to vendor it.
   *
   * @param options the chart, values, release name and optional Kustomize pass
   */
  public static helm(options: HelmSourceOptions): IBundleSource {
    return helmSource(options);
  }

  /**
   * A Kustomize folder rendered with the real `kustomize build`, once per distinct folder content.
   * `dir` may be chosen per cluster (Fleet's per-target `kustomize.dir`).
   *
   * @param options the kustomization folder and its root
   */
  public static kustomize(options: KustomizeOptions): IBundleSource {
    return kustomizeSource(options);
  }

  /**
   * Objects given as plain JSON.
   *
   * @param objects the objects, copied for each cluster
   */
  public static objects(objects: readonly KubeObject[]): IBundleSource {
    return new ObjectsSource(objects);
  }

  private constructor() {}
}
