import type { EngineEvent } from '@pulumi/pulumi/automation';
import { resourceOwner } from '../model/identity';

/** The resource name of a URN: `<cluster>/<bundle>/<Kind.group>/<namespace>/<name>` for fleet objects. */
export function resourceName(urn: string): string {
  return urn.slice(urn.lastIndexOf('::') + 2);
}

/** An engine error about one resource, attributed to its cluster and bundle. */
export interface ResourceError {
  /** Cluster (the first part of the resource name). */
  readonly cluster: string;
  /**
   * Bundle (the second part), when the resource belongs to one.
   *
   * @default - none
   */
  readonly bundle?: string;
  /** Pulumi resource name. */
  readonly resource: string;
  /** The engine's message, without terminal colours. */
  readonly message: string;
}

/** The resource error an engine event reports, if it is one. */
export function resourceError(e: EngineEvent): ResourceError | undefined {
  return resourceDiagnostic(e, 'error');
}

/**
 * A diagnostic of one severity that an engine event reports about a resource. Providers often give
 * the cause as a warning and only a generic message as the error (pulumi-kubernetes: "unreachable:
 * <why>" as a warning, "unreachable. If the cluster was deleted…" as the error).
 */
export function resourceDiagnostic(e: EngineEvent, severity: 'error' | 'warning'): ResourceError | undefined {
  const diag = e.diagnosticEvent;
  if (diag?.severity !== severity || !diag.urn) return undefined;
  const resource = resourceName(diag.urn);
  const { cluster, bundle } = resourceOwner(resource);
  // eslint-disable-next-line no-control-regex
  const message = diag.message.replace(/\u001b\[[0-9;]*m/g, '').trim();
  return { cluster, ...(bundle !== undefined ? { bundle } : {}), resource, message };
}
