import * as path from 'node:path';

/** Thrown for bad command-line input; the CLI prints the message and exits 1. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * An error thrown by the user's own code while fleetwright loaded their fleet module: reported as
 * `while loading fleet <file>: <message>` with the frame of the user's code that threw, never with
 * fleetwright's internal frames.
 */
export class UserCodeError extends Error {
  /** The user's own stack frame that threw, when one is known. */
  public readonly frame?: string;

  constructor(file: string, cause: unknown) {
    const message = cause instanceof Error ? `${cause.name === 'Error' ? '' : `${cause.name}: `}${cause.message}` : String(cause);
    const frame = userFrame(cause);
    super(`while loading fleet ${path.relative(process.cwd(), file) || file}: ${message}${frame ? `\n    at ${frame}` : ''}`);
    this.name = 'UserCodeError';
    this.frame = frame;
  }
}

const INTERNAL = [`${path.sep}node_modules${path.sep}`, 'node:internal', path.resolve(__dirname, '..') + path.sep];

/** The first frame of a stack that is neither Node's, a dependency's nor fleetwright's own. */
export function userFrame(error: unknown): string | undefined {
  if (!(error instanceof Error) || !error.stack) return undefined;
  for (const line of error.stack.split('\n').slice(1)) {
    const frame = line.trim().replace(/^at /, '');
    if (!line.trim().startsWith('at ') || INTERNAL.some((p) => frame.includes(p))) continue;
    return frame;
  }
  return undefined;
}
