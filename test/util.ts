import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Construct } from 'constructs';
import { Bundle, BundleProps } from '../src/model/bundle';
import { Cluster } from '../src/model/cluster';
import { FleetValidationError } from '../src/model/errors';
import { Fleet } from '../src/model/fleet';
import { Source } from '../src/sources/sources';

/** A fresh temporary folder, removed by `cleanup()`. */
export function tmpDir(prefix = 'fleetwright-test-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A ConfigMap as a plain object. */
export function configMap(
  name: string,
  data: Record<string, string> = {},
  namespace?: string,
): { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; data: Record<string, string> } {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: namespace ? { name, namespace } : { name }, data };
}

/** A small fleet (clusters in a `Clusters` scope, so bundles may share their names): clusters a (us-west, prod), b (us-west, dev), c (us-east, prod). */
export function smallFleet(): Fleet {
  const fleet = new Fleet({ name: 'test' });
  const clusters = new Construct(fleet, 'Clusters');
  new Cluster(clusters, 'a', { region: 'us-west', labels: { env: 'prod' } });
  new Cluster(clusters, 'b', { region: 'us-west', labels: { env: 'dev' } });
  new Cluster(clusters, 'c', { region: 'us-east', labels: { env: 'prod' } });
  return fleet;
}

/** A bundle emitting one ConfigMap named after the bundle, to every cluster unless targets say otherwise. */
export function configBundle(fleet: Fleet, name: string, props: BundleProps = {}): Bundle {
  return new Bundle(fleet, name, { sources: [Source.objects([configMap(name)])], targets: [{ clusterSelector: {} }], ...props });
}

/** The messages of the error a function throws, one per problem. */
export function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof FleetValidationError) return e.problems.map((p) => `${p.severity}: ${p.subject}: ${p.message}`);
    throw e;
  }
  throw new Error('expected a FleetValidationError, but nothing was thrown');
}
