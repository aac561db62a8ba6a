import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseYaml, parseYamlDocuments } from '../model/yaml';
import { DiffSourceError } from './errors';
import { byteOrder } from '../model/names';
import { NAMESPACES_BUNDLE, objectKey } from '../model/identity';
import { KubeObject } from '../model/objects';
import { NAMESPACES_FILE, SynthIndex } from '../synth/output';
import { FleetSynthesis, SynthesizedObject } from '../synth/synth';

/** One object of one bundle on one cluster, as written by `synth` (Secret values redacted). */
export interface DesiredObject {
  /** `Kind.group namespace/name`, without the version: stable across API version moves. */
  readonly key: string;
  /** SHA-256 of the object's YAML: equal hashes mean equal objects, without parsing. */
  readonly sha256: string;
  /** The redacted manifest, parsed on first use. */
  manifest(): KubeObject;
}

/** What one side of a diff wants on every cluster. */
export interface DesiredState {
  /** Fleet name. */
  readonly fleet: string;
  /** cluster → region. */
  readonly regions: Readonly<Record<string, string>>;
  /** cluster → bundle (or `_namespaces`) → objects by key. */
  readonly clusters: Readonly<Record<string, Readonly<Record<string, ReadonlyMap<string, DesiredObject>>>>>;
}

interface IndexEntry {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly sha256: string;
}

/** Objects of one file, parsed once and only when some object of the file is needed. */
function fromFile(file: string, entries: readonly IndexEntry[]): Map<string, DesiredObject> {
  let parsed: KubeObject[] | undefined;
  const load = (): KubeObject[] => {
    if (parsed) return parsed;
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      throw new DiffSourceError(
        `${file} is listed in the folder's index.json but missing; run \`npx fleetwright synth\` again to rewrite the folder`,
      );
    }
    try {
      parsed = parseYamlDocuments(text) as KubeObject[];
    } catch (e) {
      throw new DiffSourceError(
        `${file} is not valid YAML (${(e as Error).message.split('\n')[0]}); run \`npx fleetwright synth\` again to rewrite the folder`,
      );
    }
    return parsed;
  };
  return new Map(
    entries.map((e, i) => {
      const key = objectKey({ apiVersion: e.apiVersion, kind: e.kind, metadata: { name: e.name, namespace: e.namespace || undefined } });
      return [key, { key, sha256: e.sha256, manifest: () => load()[i] }];
    }),
  );
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads and checks a synth folder's index.json: a file that is not JSON, or not a synth index, is a clear error. */
function readIndex(indexFile: string, dir: string): SynthIndex {
  const rewrite = `pass a folder written by \`fleetwright synth\`, or run \`npx fleetwright synth --out ${dir}\` to write one`;
  let index: unknown;
  try {
    index = JSON.parse(fs.readFileSync(indexFile, 'utf8'));
  } catch (e) {
    throw new DiffSourceError(`${indexFile} is not valid JSON (${(e as Error).message.split('\n')[0]}); ${rewrite}`);
  }
  const clusters = isMap(index) ? index.clusters : undefined;
  const bad =
    !isMap(index) || typeof index.fleet !== 'string' || !isMap(clusters)
      ? 'it has no "fleet" name and "clusters" map'
      : Object.entries(clusters)
          .filter(
            ([, c]) =>
              !isMap(c) ||
              typeof c.region !== 'string' ||
              !Array.isArray(c.namespaces) ||
              !isMap(c.bundles) ||
              !Object.values(c.bundles).every((b) => isMap(b) && Array.isArray(b.objects)),
          )
          .map(([name]) => `cluster '${name}' has no region, namespaces or bundles with objects`)[0];
  if (bad) throw new DiffSourceError(`${indexFile} is not a fleetwright synth index (${bad}); ${rewrite}`);
  return index as unknown as SynthIndex;
}

/**
 * Reads a `synth` output folder: `index.json` gives every object and its hash; a YAML file is
 * parsed only when one of its objects differs from the other side.
 */
export function readSynthDir(dir: string): DesiredState {
  const indexFile = path.join(dir, 'index.json');
  if (!fs.existsSync(indexFile))
    throw new DiffSourceError(`${dir} is not a synth output folder (no index.json); run \`npx fleetwright synth --out ${dir}\``);
  const index = readIndex(indexFile, dir);
  const clusters: Record<string, Record<string, Map<string, DesiredObject>>> = {};
  const regions: Record<string, string> = {};
  for (const [name, c] of Object.entries(index.clusters)) {
    regions[name] = c.region;
    const bundles: Record<string, Map<string, DesiredObject>> = {};
    for (const [b, entry] of Object.entries(c.bundles)) bundles[b] = fromFile(path.join(dir, c.region, name, `${b}.yaml`), entry.objects);
    if (c.namespaces.length > 0) {
      bundles[NAMESPACES_BUNDLE] = fromFile(
        path.join(dir, c.region, name, NAMESPACES_FILE),
        c.namespaces.map((n) => ({ apiVersion: 'v1', kind: 'Namespace', namespace: '', name: n.name, sha256: n.sha256 })),
      );
    }
    clusters[name] = bundles;
  }
  return { fleet: index.fleet, regions, clusters };
}

/** The desired state of an in-memory synthesis (Secret values redacted, as written). */
export function desiredFromSynthesis(synth: FleetSynthesis): DesiredState {
  const clusters: Record<string, Record<string, Map<string, DesiredObject>>> = {};
  const regions: Record<string, string> = {};
  const toMap = (objects: readonly SynthesizedObject[]): Map<string, DesiredObject> =>
    new Map(
      objects.map((o) => {
        const key = objectKey(o.manifest);
        return [key, { key, sha256: o.sha256, manifest: () => parseYaml(o.yaml) as KubeObject }];
      }),
    );
  for (const c of [...synth.clusters].sort((a, b) => byteOrder(a.name, b.name))) {
    regions[c.name] = c.region;
    const bundles: Record<string, Map<string, DesiredObject>> = {};
    for (const b of c.bundles) bundles[b.name] = toMap(b.objects);
    if (c.namespaces.length > 0) bundles[NAMESPACES_BUNDLE] = toMap(c.namespaces);
    clusters[c.name] = bundles;
  }
  return { fleet: synth.fleet, regions, clusters };
}
