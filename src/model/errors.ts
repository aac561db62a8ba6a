/**
 * How serious a {@link Problem} is.
 *
 * Errors stop synthesis and deployment; warnings are printed and synthesis goes on.
 */
export enum Severity {
  /** Stops synthesis: nothing is written or deployed. */
  ERROR = 'error',
  /** Printed; synthesis goes on. */
  WARNING = 'warning',
}

/**
 * One problem found while validating or synthesizing a fleet.
 *
 * `subject` names the object in the user's terms (`cluster 'edge-us-west-1'`,
 * `bundle 'web' on cluster 'edge-us-west-1'`, `file fleet/bundles/addons/rules.yaml`), and
 * `message` says what is wrong, the value received and how to fix it.
 */
export interface Problem {
  /** Whether the problem stops synthesis. */
  readonly severity: Severity;
  /** The cluster, bundle, group, overlay or file the problem is about. */
  readonly subject: string;
  /** What is wrong, the offending value and the fix. */
  readonly message: string;
}

/** Renders one problem as a single line: `error: <subject>: <message>`. */
export function formatProblem(problem: Problem): string {
  return `${problem.severity}: ${problem.subject}: ${problem.message}`;
}

/**
 * An error raised by the model for bad input that cannot be reported later (for example a
 * `Fleet.of()` lookup outside a fleet). The message names the construct path.
 */
export class FleetError extends Error {
  /** Path of the construct the error is about, or '' when none applies. */
  public readonly constructPath: string;

  /**
   * @param constructPath path of the construct the error is about
   * @param message what is wrong and how to fix it
   */
  constructor(constructPath: string, message: string) {
    super(constructPath ? `[${constructPath}] ${message}` : message);
    this.name = 'FleetError';
    this.constructPath = constructPath;
  }
}

/**
 * Every error found in a fleet, reported at once. Thrown by `synthesizeFleet()` before anything is
 * written or deployed.
 */
export class FleetValidationError extends Error {
  /** All problems, errors and warnings, in a stable order. */
  public readonly problems: readonly Problem[];

  /**
   * @param fleetName the fleet the problems were found in
   * @param problems every problem found (at least one error)
   */
  constructor(fleetName: string, problems: readonly Problem[]) {
    const errors = problems.filter((p) => p.severity === Severity.ERROR);
    super(
      `fleet '${fleetName}' has ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was synthesized:\n` +
        problems.map((p) => `  ${formatProblem(p)}`).join('\n'),
    );
    this.name = 'FleetValidationError';
    this.problems = problems;
  }
}

/**
 * Collects problems in the order they are found, dropping exact duplicates (the same YAML error is
 * found once per cluster that renders the file).
 *
 * @internal
 */
export class ProblemList {
  private readonly seen = new Set<string>();
  private readonly list: Problem[] = [];

  public error(subject: string, message: string): void {
    this.add({ severity: Severity.ERROR, subject, message });
  }

  public warning(subject: string, message: string): void {
    this.add({ severity: Severity.WARNING, subject, message });
  }

  public add(problem: Problem): void {
    const key = formatProblem(problem);
    if (!this.seen.has(key)) {
      this.seen.add(key);
      this.list.push(problem);
    }
  }

  public get problems(): Problem[] {
    return [...this.list];
  }

  public get hasErrors(): boolean {
    return this.list.some((p) => p.severity === Severity.ERROR);
  }
}
