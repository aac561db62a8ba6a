import * as fs from 'node:fs';
import * as path from 'node:path';
import { dump } from 'js-yaml';
import { sortedRecord } from './names';
import { KubeObject, redact } from './objects';
import { FleetSynthesis, SynthesizedObject } from './synth';

/** File name, inside a cluster's folder, of the namespaces created for its bundles. */
export const NAMESPACES_FILE = '_namespaces.yaml';

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

const joinDocuments = (objects: readonly SynthesizedObject[]): string => objects.map((o) => o.yaml).join('---\n');

/** The shape of `index.json`. */
export interface SynthIndex {
  /** Fleet name. */
  readonly fleet: string;
  /** Per cluster, sorted by name. */
  readonly clusters: Record<
    string,
    {
      readonly region: string;
      readonly labels: Record<string, string>;
      readonly groups: readonly string[];
      readonly namespaces: readonly { readonly name: string; readonly sha256: string }[];
      readonly bundles: Record<
        string,
        {
          readonly target: string;
          readonly customizations: readonly string[];
          readonly dependsOn: readonly string[];
          readonly objects: readonly { apiVersion: string; kind: string; namespace: string; name: string; sha256: string }[];
        }
      >;
    }
  >;
}

const objectEntry = (o: SynthesizedObject): { apiVersion: string; kind: string; namespace: string; name: string; sha256: string } => ({
  apiVersion: o.id.apiVersion,
  kind: o.id.kind,
  namespace: o.id.namespace,
  name: o.id.name,
  sha256: o.sha256,
});

/** Builds `index.json`'s content: every cluster, its bundles, matched targets and object hashes. */
export function synthIndex(synth: FleetSynthesis): SynthIndex {
  const clusters: SynthIndex['clusters'] = {};
  for (const c of synth.clusters) {
    clusters[c.name] = {
      region: c.region,
      labels: sortedRecord(c.labels),
      groups: c.groups,
      namespaces: c.namespaces.map((n) => ({ name: n.id.name, sha256: n.sha256 })),
      bundles: Object.fromEntries(
        c.bundles.map((b) => [
          b.name,
          { target: b.target, customizations: b.customizations, dependsOn: b.dependsOn, objects: b.objects.map(objectEntry) },
        ]),
      ),
    };
  }
  return { fleet: synth.fleet, clusters };
}

/**
 * Every output file as `relative path → content`: `<region>/<cluster>/<bundle>.yaml`,
 * `<region>/<cluster>/_namespaces.yaml` when the cluster needs namespaces created, and
 * `index.json`.
 */
export function synthFiles(synth: FleetSynthesis): Map<string, string> {
  const files = new Map<string, string>();
  for (const c of synth.clusters) {
    if (c.namespaces.length > 0) files.set(`${c.region}/${c.name}/${NAMESPACES_FILE}`, joinDocuments(c.namespaces));
    for (const b of c.bundles) files.set(`${c.region}/${c.name}/${b.name}.yaml`, joinDocuments(b.objects));
  }
  files.set('index.json', `${JSON.stringify(synthIndex(synth), null, 2)}\n`);
  return files;
}

/**
 * Writes the synthesis to `outDir`, replacing what was there: files go to a fresh sibling folder
 * first, which then takes the place of `outDir`, so a failure never leaves half-written output.
 *
 * @returns the number of files written
 */
export function writeSynthesis(synth: FleetSynthesis, outDir: string): number {
  const files = synthFiles(synth);
  const target = path.resolve(outDir);
  const staging = `${target}.tmp-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  for (const [rel, content] of files) {
    const file = path.join(staging, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  const old = `${target}.old-${process.pid}`;
  if (fs.existsSync(target)) fs.renameSync(target, old);
  fs.renameSync(staging, target);
  fs.rmSync(old, { recursive: true, force: true });
  return files.size;
}
