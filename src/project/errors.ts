import * as path from 'node:path';
import { userFrame } from '../model/frames';

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
    const shown = path.relative(process.cwd(), file) || file;
    const frame = userFrame(cause);
    super(`while loading fleet ${shown}: ${describeCause(cause, frame)}${frame ? `\n    at ${frame}` : ''}`);
    this.name = 'UserCodeError';
    this.frame = frame;
  }
}

/** The user's exception as one line that ends with what to do about it. */
function describeCause(cause: unknown, frame: string | undefined): string {
  if (!(cause instanceof Error)) return `${String(cause)}; fix the code that threw it`;
  const code = (cause as NodeJS.ErrnoException).code;
  // Node appends the modules that required it ("Require stack:"): fleetwright's own files, not the user's.
  const message = cause.message.split('\n')[0];
  if (code === 'MODULE_NOT_FOUND') {
    const missing = /Cannot find module '([^']+)'/.exec(message)?.[1];
    if (missing && !missing.startsWith('.') && !path.isAbsolute(missing)) {
      const pkg = missing.startsWith('@') ? missing.split('/').slice(0, 2).join('/') : missing.split('/')[0];
      return `cannot find package '${missing}'; install it in the fleet project with \`npm install ${pkg}\``;
    }
    return `cannot find module '${missing ?? message}'; check the import path`;
  }
  if (cause instanceof SyntaxError && !frame) {
    // Node puts the location of a syntax error on the first line of the stack, not in a frame.
    const where = /^(.+:\d+)\n/.exec(cause.stack ?? '')?.[1];
    return `SyntaxError: ${message}${where ? ` at ${path.relative(process.cwd(), where) || where}` : ''}; fix the syntax there`;
  }
  const duplicate = /^There is already a Construct with name '([^']+)' in (\S+)/.exec(message);
  if (duplicate) return `${message}; give each construct in one scope its own id (rename the second '${duplicate[1]}')`;
  return `${cause.name === 'Error' ? '' : `${cause.name}: `}${message}; fix the code that threw it${frame ? ' (below)' : ''}`;
}

export { userFrame } from '../model/frames';
