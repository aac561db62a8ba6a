/**
 * Ctrl-C and SIGTERM during `up`: what each engine is sent and what the user reads. The real
 * signals through the CLI and its engines are in test/e2e/faults.test.ts.
 */
import { EventEmitter } from 'node:events';
import type { EngineEvent } from '@pulumi/pulumi/automation';
import { FORWARD_AFTER_MS, watchInterrupts } from '../../src/cli/interrupt';

function setup(): { emitter: EventEmitter; err: string[]; stopped: number[]; watch: ReturnType<typeof watchInterrupts> } {
  const emitter = new EventEmitter();
  const err: string[] = [];
  const stopped: number[] = [];
  const watch = watchInterrupts(
    { out: () => undefined, err: (t) => err.push(t) },
    () => stopped.push(1),
    emitter as unknown as NodeJS.Process,
  );
  return { emitter, err, stopped, watch };
}

const cancelling = {
  sequence: 1,
  timestamp: 0,
  stdoutEvent: { message: '^C received; cancelling. If you would like to terminate immediately, press ^C again.\n', color: 'never' },
} as EngineEvent;

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

test('a first SIGINT asks to stop and says what happens; an engine that did not take it is sent one SIGINT after the grace time', () => {
  const { emitter, err, stopped, watch } = setup();
  const quiet = watch.engine();
  const told = watch.engine();
  expect(watch.requested).toBeUndefined();
  emitter.emit('SIGINT', 'SIGINT');
  expect(watch.requested).toBe('SIGINT');
  expect(err.join('')).toMatch(/SIGINT received: stopping\. The engines running finish the operations in flight and save their state/);
  expect(err.join('')).toMatch(/Press Ctrl-C again to stop at once/);
  // One engine reports the terminal's Ctrl-C (it reached the whole process group): it must not get a second SIGINT,
  // which Pulumi takes as "terminate now".
  told.seen(cancelling);
  jest.advanceTimersByTime(FORWARD_AFTER_MS - 1);
  expect(quiet.signal.aborted).toBe(false);
  jest.advanceTimersByTime(1);
  expect(quiet.signal.aborted).toBe(true);
  expect(told.signal.aborted).toBe(false);
  expect(stopped).toEqual([]);
  watch.dispose();
});

test('SIGTERM reaches fleetwright alone (the engine would die of it, not cancel): every engine is sent one SIGINT at once', () => {
  const { emitter, err, watch } = setup();
  const engine = watch.engine();
  emitter.emit('SIGTERM', 'SIGTERM');
  expect(watch.requested).toBe('SIGTERM');
  expect(engine.signal.aborted).toBe(true);
  expect(err.join('')).toMatch(/SIGTERM received: stopping\./);
  watch.dispose();
});

test("the engine's output counts as taking the signal too; an engine that exited is left alone", () => {
  const { emitter, watch } = setup();
  const printed = watch.engine();
  const gone = watch.engine();
  gone.done();
  emitter.emit('SIGINT', 'SIGINT');
  printed.seen('\n^C received; cancelling. If you would like to terminate immediately, press ^C again.\n');
  jest.advanceTimersByTime(FORWARD_AFTER_MS);
  expect(printed.signal.aborted).toBe(false);
  expect(gone.signal.aborted).toBe(false);
  watch.dispose();
});

test('a second signal stops at once and says the next run repairs the stacks', () => {
  const { emitter, err, stopped, watch } = setup();
  emitter.emit('SIGINT', 'SIGINT');
  emitter.emit('SIGINT', 'SIGINT');
  expect(stopped).toEqual([1]);
  expect(err.join('')).toMatch(
    /SIGINT again: stopping at once\. Engines still running stop without saving their state; the next `up` or `destroy` of their stacks repairs them first/,
  );
  watch.dispose();
});

test('dispose removes the handlers and the pending forwards', () => {
  const { emitter, watch } = setup();
  const engine = watch.engine();
  emitter.emit('SIGINT', 'SIGINT');
  watch.dispose();
  expect(emitter.listenerCount('SIGINT')).toBe(0);
  expect(emitter.listenerCount('SIGTERM')).toBe(0);
  jest.advanceTimersByTime(FORWARD_AFTER_MS);
  expect(engine.signal.aborted).toBe(false);
});
