import * as fs from 'node:fs';
import * as path from 'node:path';
import { load, loadAll } from 'js-yaml';
import { DiffSourceError } from './errors';
import { byteOrder, FleetSynthesis, KubeObject, NAMESPACES_FILE, SynthIndex } from '../constructs';

/** One object of one bundle on one cluster, as written by `synth` (Secret values redacted). */
export interface DesiredObject {
  /** `apiVersion/kind namespace/name` without the version: stable across API version moves. */
  readonly key: string;
  /** The redacted manifest. */
  readonly manifest: KubeObject;
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

/** The pseudo-bundle holding the namespaces fleetwright creates for bundles. */
export const NAMESPACES_BUNDLE = '_namespaces';

/** `Kind.group namespace/name`: an object's identity, independent of its API version. */
export function objectKey(obj: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): string {
  const group = obj.apiVersion.includes('/') ? `.${obj.apiVersion.slice(0, obj.apiVersion.indexOf('/'))}` : '';
  return `${obj.kind}${group} ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}`;
}

function toMap(objects: readonly KubeObject[]): Map<string, DesiredObject> {
  return new Map(objects.map((o) => [objectKey(o), { key: objectKey(o), manifest: o }]));
}

/** Reads a `synth` output folder (`index.json` and the YAML files). */
export function readSynthDir(dir: string): DesiredState {
  const indexFile = path.join(dir, 'index.json');
  if (!fs.existsSync(indexFile))
    throw new DiffSourceError(`${dir} is not a synth output folder (no index.json); run \`npx fleetwright synth --out ${dir}\``);
  const index = JSON.parse(fs.readFileSync(indexFile, 'utf8')) as SynthIndex;
  const clusters: Record<string, Record<string, Map<string, DesiredObject>>> = {};
  const regions: Record<string, string> = {};
  for (const [name, c] of Object.entries(index.clusters)) {
    regions[name] = c.region;
    const bundles: Record<string, Map<string, DesiredObject>> = {};
    const read = (file: string): KubeObject[] =>
      fs.existsSync(file) ? (loadAll(fs.readFileSync(file, 'utf8')) as KubeObject[]).filter((o) => o) : [];
    for (const b of Object.keys(c.bundles)) bundles[b] = toMap(read(path.join(dir, c.region, name, `${b}.yaml`)));
    const ns = read(path.join(dir, c.region, name, NAMESPACES_FILE));
    if (ns.length > 0) bundles[NAMESPACES_BUNDLE] = toMap(ns);
    clusters[name] = bundles;
  }
  return { fleet: index.fleet, regions, clusters };
}

/** The desired state of an in-memory synthesis (Secret values redacted, as written). */
export function desiredFromSynthesis(synth: FleetSynthesis): DesiredState {
  const clusters: Record<string, Record<string, Map<string, DesiredObject>>> = {};
  const regions: Record<string, string> = {};
  const parse = (yaml: string): KubeObject => load(yaml) as KubeObject;
  for (const c of [...synth.clusters].sort((a, b) => byteOrder(a.name, b.name))) {
    regions[c.name] = c.region;
    const bundles: Record<string, Map<string, DesiredObject>> = {};
    for (const b of c.bundles) bundles[b.name] = toMap(b.objects.map((o) => parse(o.yaml)));
    if (c.namespaces.length > 0) bundles[NAMESPACES_BUNDLE] = toMap(c.namespaces.map((o) => parse(o.yaml)));
    clusters[c.name] = bundles;
  }
  return { fleet: synth.fleet, regions, clusters };
}
