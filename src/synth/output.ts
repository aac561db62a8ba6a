import * as fs from 'node:fs';
import * as path from 'node:path';
import { sortedRecord } from '../model/names';
import { assertReplaceable, replaceOwnedDir } from './owned-dir';
export { toYaml, toYamlDocument } from '../model/yaml';
import { FleetSynthesis, SynthesizedObject } from './synth';

/** File name, inside a cluster's folder, of the namespaces created for its bundles. */
export const NAMESPACES_FILE = '_namespaces.yaml';

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

/** What `synth` output folders are marked as (see {@link OWNER_MARKER}). */
export const SYNTH_PURPOSE = 'synth';

/**
 * Whether a folder without a marker is the output of an older fleetwright: an `index.json` that
 * lists exactly the folder's other files.
 */
function isUnmarkedSynthOutput(dir: string, files: readonly string[]): boolean {
  try {
    const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as SynthIndex;
    const expected = new Set(['index.json']);
    for (const [name, c] of Object.entries(index.clusters)) {
      if (c.namespaces.length > 0) expected.add(`${c.region}/${name}/${NAMESPACES_FILE}`);
      for (const b of Object.keys(c.bundles)) expected.add(`${c.region}/${name}/${b}.yaml`);
    }
    return files.every((f) => expected.has(f));
  } catch {
    return false;
  }
}

/**
 * Writes the synthesis to `outDir`, replacing what was there, but only when that folder does not
 * exist, is empty, or holds exactly what an earlier `synth` wrote: never a folder of other files,
 * the working directory or its parents, a git work tree, the home folder or `/`. Files go to a
 * staging folder first, which then takes the place of `outDir`, so a failure never leaves
 * half-written output; leftovers of an interrupted run are removed.
 *
 * @param flag the option that named the folder, for error messages
 * @default flag '--out'
 * @returns the number of files written (the ownership marker not counted) and the leftovers removed
 * @throws UnsafePathError when the folder may not be replaced, saying why and how to proceed
 */
export function writeSynthesis(synth: FleetSynthesis, outDir: string, flag = '--out'): { files: number; leftovers: string[] } {
  const files = synthFiles(synth);
  assertReplaceable(outDir, SYNTH_PURPOSE, flag, isUnmarkedSynthOutput);
  const leftovers = replaceOwnedDir(outDir, SYNTH_PURPOSE, files);
  return { files: files.size, leftovers };
}
