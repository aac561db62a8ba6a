/**
 * Ctrl-C and SIGTERM while `up` or `destroy` runs.
 *
 * fleetwright runs Pulumi without per-step checkpoints: an engine saves its state when it ends. So
 * an interrupted run lets every running engine end the Pulumi way (the operations in flight finish,
 * nothing new starts, the state is saved) and starts no further stack or partition; the run records
 * then go as after any run that ended. A second signal stops fleetwright at once, and the next run
 * repairs what the stopped engines did not save (docs/large-regions.md#checkpoints).
 *
 * The Pulumi engine stops gracefully on SIGINT only, and takes a second SIGINT as "stop at once". A
 * terminal's Ctrl-C reaches the whole process group, the engines included, so on SIGINT an engine
 * is sent one only if it has not reported the terminal's within {@link FORWARD_AFTER_MS} (`kill
 * -INT <pid>` reaches fleetwright alone). SIGTERM (`kill <pid>`, a CI runner's cancel) is passed on
 * to every engine as one SIGINT at once.
 */
import type { EngineEvent } from '@pulumi/pulumi/automation';
import type { CliIo } from './io';

/** On SIGINT, how long an engine has to report the one the terminal sent it before fleetwright sends one. */
export const FORWARD_AFTER_MS = 2_000;

/** What the Pulumi engine prints once it has taken a SIGINT as a request to cancel. */
const ENGINE_CANCELLING = '^C received';

/** The exit code of a command stopped by a signal it handled (128 + SIGINT). */
export const INTERRUPTED_EXIT_CODE = 130;

/** One engine run under an {@link Interrupts} watch. */
export interface EngineRun {
  /** Pass to the Automation API (`up`, `destroy`): aborting sends the engine one SIGINT. */
  readonly signal: AbortSignal;
  /** Feed every engine event and output chunk: tells when the engine took the cancel. */
  readonly seen: (e: EngineEvent | string) => void;
  /** Call once the engine has exited. */
  readonly done: () => void;
}

/** Watches SIGINT and SIGTERM for one deploy command; `dispose()` restores the default handling. */
export interface Interrupts {
  /** The signal that asked the command to stop, once one did. */
  readonly requested: NodeJS.Signals | undefined;
  /** Registers an engine about to start. */
  engine(): EngineRun;
  /** Removes the signal handlers. */
  dispose(): void;
}

/**
 * Starts watching SIGINT and SIGTERM.
 *
 * @param io where the notices go (stderr)
 * @param onStopAtOnce called on the second signal, to end the process
 * @param process_ the process whose signals are watched (tests pass an emitter)
 */
export function watchInterrupts(
  io: CliIo,
  onStopAtOnce: () => void = () => process.exit(INTERRUPTED_EXIT_CODE),
  process_: Pick<NodeJS.Process, 'on' | 'removeListener'> = process,
): Interrupts {
  let requested: NodeJS.Signals | undefined;
  const running = new Set<{ controller: AbortController; cancelling: boolean }>();
  const timers = new Set<NodeJS.Timeout>();
  const handler = (signal: NodeJS.Signals): void => {
    if (requested) {
      io.err(
        `\n${signal} again: stopping at once. Engines still running stop without saving their state; ` +
          'the next `up` or `destroy` of their stacks repairs them first.\n',
      );
      onStopAtOnce();
      return;
    }
    requested = signal;
    io.err(
      `\n${signal} received: stopping. The engines running finish the operations in flight and save their state; ` +
        'no further stack or partition starts. Press Ctrl-C again to stop at once.\n',
    );
    for (const engine of running) {
      if (signal !== 'SIGINT') {
        engine.controller.abort();
        continue;
      }
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!engine.cancelling) engine.controller.abort();
      }, FORWARD_AFTER_MS);
      timers.add(timer);
    }
  };
  process_.on('SIGINT', handler);
  process_.on('SIGTERM', handler);
  return {
    get requested() {
      return requested;
    },
    engine(): EngineRun {
      const engine = { controller: new AbortController(), cancelling: false };
      running.add(engine);
      return {
        signal: engine.controller.signal,
        seen: (e) => {
          const text = typeof e === 'string' ? e : (e.stdoutEvent?.message ?? '');
          if (text.includes(ENGINE_CANCELLING)) engine.cancelling = true;
        },
        done: () => running.delete(engine),
      };
    },
    dispose(): void {
      process_.removeListener('SIGINT', handler);
      process_.removeListener('SIGTERM', handler);
      for (const t of timers) clearTimeout(t);
    },
  };
}
