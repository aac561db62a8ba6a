import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Chart } from 'cdk8s';
import { isCollection, parseAllDocuments, visit } from 'yaml';
import { ReadCache, trackReads } from './_tracking';
import { helmSource, HelmSourceOptions, KustomizeOptions, kustomizeSource } from './helm';
import { describeNonObject, displayPath, objectsOf, runState } from './common';
import { frameLocation, userFrame } from '../model/frames';
import { BundleContext, IBundleSource, SourceError } from '../model/source';
export { displayPath, objectsOf } from './common';
export { BundleContext, IBundleSource, SourceError } from '../model/source';
import { byteOrder } from '../model/names';
import { KubeObject } from '../model/objects';

/** Builds cdk8s constructs into the given chart for one cluster. */
export type ChartFactory = (chart: Chart, ctx: BundleContext) => void;

/** Where in the user's code an error was thrown, as messages show it. */
function userLocation(error: unknown): string | undefined {
  const frame = userFrame(error);
  return frame === undefined ? undefined : displayPath(frameLocation(frame));
}

class ChartSource implements IBundleSource {
  public readonly description: string;

  constructor(
    private readonly factory: ChartFactory,
    id: string,
  ) {
    this.description = `chart ${id}`;
  }

  /**
   * Renders through a read-tracking view of the context and reuses the result for any later
   * context that agrees on everything the factory read (a factory must depend on its context only).
   */
  public render(ctx: BundleContext): KubeObject[] {
    const cache = runState(ctx, this, () => new ReadCache<KubeObject[]>());
    const cached = cache.lookup(ctx);
    if (cached) return structuredClone(cached);
    const subject = `${this.description} of bundle '${ctx.bundle}'`;
    if (typeof this.factory !== 'function') {
      throw new SourceError(
        subject,
        `Source.chart() was given ${describeNonObject(this.factory)}; pass a function: Source.chart((chart, ctx) => { … })`,
      );
    }
    const { view, reads } = trackReads(ctx);
    const app = new App({ outdir: '.' });
    const chart = new Chart(app, ctx.bundle, { namespace: ctx.namespace });
    let json: unknown[];
    try {
      this.factory(chart, view);
      json = chart.toJson();
    } catch (e) {
      if (e instanceof SourceError) throw e;
      // The user's code failed: its message, the line of theirs that threw and the fix (the
      // fleet reports it for the bundle on the cluster).
      const frame = userLocation(e);
      const message = e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message.split('\n')[0]}` : String(e);
      throw new Error(`${message}${frame ? ` (at ${frame})` : ''}; fix the factory`);
    }
    const objects = json.flatMap((o: unknown, i: number) => objectsOf(o, `object #${i + 1}`, subject));
    cache.store(
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

  constructor(private readonly root: string) {
    this.description = typeof root === 'string' ? `yaml ${displayPath(root)}` : 'yaml';
  }

  public render(ctx: BundleContext): KubeObject[] {
    if (typeof this.root !== 'string') {
      throw new SourceError(
        this.description,
        `Source.yaml() was given ${describeNonObject(this.root)}; pass the path of a YAML file or folder: Source.yaml('manifests/')`,
      );
    }
    // Parsed once per run, shared by all clusters.
    const parsed = runState(ctx, this, () => this.files().map((file) => this.parse(file)));
    const firstError = parsed.find((p) => p.error);
    if (firstError?.error) throw firstError.error;
    return parsed.flatMap((p) => structuredClone(p.objects));
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
    // A key that is a list or map is reported below, not warned about on stderr.
    const docs = parseAllDocuments(text, { prettyErrors: false, logLevel: 'error' });
    const objects: KubeObject[] = [];
    for (const [i, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
      const err = doc.errors[0];
      if (err) {
        const before = text.slice(0, err.pos[0]).split('\n');
        const at = `line ${before.length}, column ${before[before.length - 1].length + 1}`;
        return { objects, error: new SourceError(subject, `${at}: ${err.message.split('\n')[0]}; fix the YAML syntax`) };
      }
      const start = doc.contents?.range[0] ?? 0;
      const line = text.slice(0, start).split('\n').length;
      let collectionKey: number | undefined;
      visit(doc, {
        Pair: (_, pair) => {
          if (!isCollection(pair.key)) return undefined;
          collectionKey = pair.key.range?.[0] ?? start;
          return visit.BREAK;
        },
      });
      if (collectionKey !== undefined) {
        const at = text.slice(0, collectionKey).split('\n').length;
        return {
          objects,
          error: new SourceError(
            subject,
            `line ${at}: a map key is a list or map; Kubernetes objects have string keys: quote the key or fix the indentation`,
          ),
        };
      }
      let value: unknown;
      try {
        value = doc.toJS();
      } catch (e) {
        // An alias bomb, or an alias to an anchor that does not exist.
        return {
          objects,
          error: new SourceError(
            subject,
            `document ${i + 1} (line ${line}): ${(e as Error).message.split('\n')[0]}; fix the YAML: remove the aliases (*name) or expand them`,
          ),
        };
      }
      if (value == null) continue;
      objects.push(...objectsOf(value, `document ${i + 1} (line ${line})`, subject));
    }
    return { objects };
  }
}

class ObjectsSource implements IBundleSource {
  public readonly description = 'objects';

  constructor(private readonly objects: readonly KubeObject[]) {}

  public render(ctx: BundleContext): KubeObject[] {
    const subject = `objects of bundle '${ctx.bundle}'`;
    if (!Array.isArray(this.objects)) {
      throw new SourceError(
        subject,
        `Source.objects() was given ${describeNonObject(this.objects)}; pass a list of objects: Source.objects([{ apiVersion, kind, metadata }])`,
      );
    }
    return this.objects.flatMap((o, i) => {
      let copy: unknown;
      try {
        copy = structuredClone(o);
      } catch (e) {
        throw new SourceError(
          subject,
          `object #${i + 1} cannot be copied (${(e as Error).message.split('\n')[0]}); an object must be plain JSON: remove functions and class instances from it`,
        );
      }
      return objectsOf(copy, `object #${i + 1}`, subject);
    });
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
    return new YamlSource(typeof fileOrFolder === 'string' ? path.resolve(fileOrFolder) : fileOrFolder);
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
