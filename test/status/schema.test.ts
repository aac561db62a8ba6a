/**
 * docs/status.schema.json describes the FleetLiveStatus document: the fixtures and a document made
 * by fleetStatus() validate, broken documents do not, and its state enum is Fleet's ranking.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { Bundle } from '../../src/model/bundle';
import type { KubeObject } from '../../src/model/objects';
import { STATE_RANK } from '../../src/model/states';
import { Source } from '../../src/sources/sources';
import { clusterStatus, fleetStatus as rollUp } from '../../src/status/assess';
import { LIVE_STATUS_SCHEMA_VERSION, type FleetLiveStatus } from '../../src/status/schema';
import { BUNDLE_LABEL, CLUSTER_LABEL, FLEET_LABEL, synthesizeFleet } from '../../src/synth/synth';
import { smallFleet } from '../util';
import { fleetStatus, fleetStatusRecovered, hostileStatus, OBSERVED_AT } from './fixtures';

const SCHEMA_PATH = path.join(__dirname, '..', '..', 'docs', 'status.schema.json');
const schema = JSON.parse(fs.readFileSync(SCHEMA_PATH, 'utf8')) as {
  $id: string;
  $schema: string;
  properties: Record<string, { const?: unknown }>;
  $defs: Record<string, { enum?: string[] }>;
};

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(schema);

function errorsOf(doc: unknown): string[] {
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath} ${e.message ?? ''}`);
}

const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** A document made by the code: cluster a with a Modified ConfigMap and an orphan, b with a Missing one, c unreachable. */
function computedStatus(): FleetLiveStatus {
  const fleet = smallFleet();
  new Bundle(fleet, 'settings', {
    sources: [
      Source.objects([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'web' }, data: { mode: 'fast' } }]),
    ],
    targets: [{ clusterSelector: {} }],
  });
  const [a, b, c] = synthesizeFleet(fleet).clusters;
  const live = JSON.parse(JSON.stringify(a.bundles[0].objects[0].manifest)) as KubeObject;
  (live.data as Record<string, string>).mode = 'slow';
  live.metadata.managedFields = [
    { manager: 'fleetwright', operation: 'Apply', fieldsV1: { 'f:metadata': { 'f:labels': {} } } },
    { manager: 'kubectl-edit', operation: 'Update', fieldsV1: { 'f:data': { 'f:mode': {} } } },
  ];
  const orphan: KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'old', namespace: 'web', labels: { [FLEET_LABEL]: 'test', [CLUSTER_LABEL]: 'a', [BUNDLE_LABEL]: 'gone' } },
  };
  const options = { partition: 'all', manager: 'fleetwright' };
  return rollUp('test', OBSERVED_AT, {
    a: clusterStatus(a, { observedAt: OBSERVED_AT, durationMs: 12, objects: [live, orphan] }, options),
    b: clusterStatus(b, { observedAt: OBSERVED_AT, durationMs: 9, objects: [] }, options),
    c: clusterStatus(c, { observedAt: OBSERVED_AT, durationMs: 10000, error: 'no answer within 10 s', objects: [] }, options),
  });
}

describe('docs/status.schema.json', () => {
  test('is a draft 2020-12 schema with a versioned $id, matching the code', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe('https://fleetwright.dev/schemas/status/v1.json');
    expect(schema.properties.schemaVersion.const).toBe(LIVE_STATUS_SCHEMA_VERSION);
    expect(schema.properties.kind.const).toBe('FleetLiveStatus');
  });

  test("its bundle states are STATE_RANK's, worst first", () => {
    expect(schema.$defs.BundleState.enum).toEqual(Object.keys(STATE_RANK));
  });

  test('the fixtures validate', () => {
    for (const doc of [fleetStatus(), fleetStatusRecovered(), hostileStatus()]) expect(errorsOf(copy(doc))).toEqual([]);
  });

  test('a document made by fleetStatus() validates', () => {
    const doc = computedStatus();
    // It covers the shapes: fields with values and a manager, an orphan, a Missing object, an unreachable cluster.
    expect(doc.clusters.a.bundles.settings.nonReady[0].fields).toEqual([
      { path: 'data.mode', desired: 'fast', live: 'slow', manager: 'kubectl-edit' },
    ]);
    expect(doc.clusters.a.orphaned).toHaveLength(1);
    expect(doc.clusters.b.bundles.settings.nonReady[0].state).toBe('Missing');
    expect(doc.clusters.c.reachable).toBe(false);
    expect(errorsOf(copy(doc))).toEqual([]);
  });

  test('a wrong state fails', () => {
    const doc = copy(fleetStatus()) as unknown as { clusters: Record<string, { bundles: Record<string, { state: string }> }> };
    doc.clusters['west-1'].bundles.web.state = 'Healthy';
    expect(errorsOf(doc)).toContain('/clusters/west-1/bundles/web/state must be equal to one of the allowed values');

    const obj = copy(fleetStatus()) as unknown as {
      clusters: Record<string, { bundles: Record<string, { nonReady: { state: string }[] }> }>;
    };
    obj.clusters['west-2'].bundles.web.nonReady[0].state = 'ErrApplied';
    expect(errorsOf(obj)).toContain('/clusters/west-2/bundles/web/nonReady/0/state must be equal to one of the allowed values');

    const counts = copy(fleetStatus()) as unknown as { summary: { counts: Record<string, number> } };
    counts.summary.counts.Broken = 1;
    expect(errorsOf(counts)).toContain('/summary/counts property name must be valid');
  });

  test('a missing field fails', () => {
    const doc = copy(fleetStatus()) as unknown as Record<string, unknown>;
    delete doc.summary;
    expect(errorsOf(doc)).toContain(" must have required property 'summary'");

    const message = copy(fleetStatus()) as unknown as {
      clusters: Record<string, { bundles: Record<string, { nonReady: { message?: string }[] }> }>;
    };
    delete message.clusters['west-2'].bundles.web.nonReady[0].message;
    expect(errorsOf(message)).toContain("/clusters/west-2/bundles/web/nonReady/0 must have required property 'message'");

    const unreachable = copy(fleetStatus()) as unknown as { clusters: Record<string, { error?: string }> };
    delete unreachable.clusters['eu-2'].error;
    expect(errorsOf(unreachable)).toContain("/clusters/eu-2 must have required property 'error'");
  });

  test('unknown fields, another version or kind, a bad date, an error on a reachable cluster fail', () => {
    const extra = copy(fleetStatus()) as unknown as { clusters: Record<string, Record<string, unknown>> };
    extra.clusters['west-1'].kubeconfig = 'apiVersion: v1';
    expect(errorsOf(extra)).toContain('/clusters/west-1 must NOT have additional properties');

    const version = { ...copy(fleetStatus()), schemaVersion: 2 };
    expect(errorsOf(version)).toContain('/schemaVersion must be equal to constant');

    const kind = { ...copy(fleetStatus()), kind: 'FleetStackOutputs' };
    expect(errorsOf(kind)).toContain('/kind must be equal to constant');

    const date = { ...copy(fleetStatus()), observedAt: 'yesterday' };
    expect(errorsOf(date)).toContain('/observedAt must match format "date-time"');

    const reachableWithError = copy(fleetStatus()) as unknown as { clusters: Record<string, Record<string, unknown>> };
    reachableWithError.clusters['west-1'].error = 'boom';
    expect(errorsOf(reachableWithError).some((e) => e.startsWith('/clusters/west-1 must NOT be valid'))).toBe(true);
  });
});
