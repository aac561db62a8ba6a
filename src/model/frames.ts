import * as path from 'node:path';

/** fleetwright's own code: the folder holding model/, sources/, … (src/ in a checkout, lib/ installed). */
const OWN_CODE = path.resolve(__dirname, '..') + path.sep;

/**
 * The first frame of an error's stack in the user's code: not Node's, not a dependency's, not
 * fleetwright's own, and not an `eval`'s `<anonymous>`. The one definition every message that
 * points at the user's code uses.
 *
 * @param error what was thrown
 * @returns the frame as the stack shows it (`fn (/path/file.ts:12:7)`), or `undefined`
 */
export function userFrame(error: unknown): string | undefined {
  if (!(error instanceof Error) || !error.stack) return undefined;
  for (const line of error.stack.split('\n').slice(1)) {
    const frame = line.trim().replace(/^at /, '');
    if (!line.trim().startsWith('at ') || /node_modules|node:internal|<anonymous>$/.test(frame) || frame.includes(OWN_CODE)) continue;
    return frame;
  }
  return undefined;
}

/**
 * The `file:line:column` of a frame from {@link userFrame}.
 *
 * @param frame the frame
 */
export function frameLocation(frame: string): string {
  return /\(?([^()]+:\d+:\d+)\)?$/.exec(frame)?.[1] ?? frame;
}
