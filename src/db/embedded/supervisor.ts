import type { Logger } from '../../log/logger.js';
import type { RunningFerretDb } from './ferretdb.js';

/** How the supervisor waits between restarts: doubling from `initialMs` up to `maxMs`. */
export interface RestartBackoff {
  readonly initialMs: number;
  readonly maxMs: number;
  /** A process that ran this long before exiting starts the back-off again from `initialMs`. */
  readonly stableMs: number;
}

/** Restarts after 1 s, 2 s, 4 s … at most 30 s apart. */
export const DEFAULT_BACKOFF: RestartBackoff = { initialMs: 1_000, maxMs: 30_000, stableMs: 60_000 };

/** What the supervisor tells its owner about the database process. */
export interface SupervisorEvents {
  /** FerretDB exited on its own at `at`. */
  onDown(at: Date): void;
  /** A restarted FerretDB is listening. */
  onUp(running: RunningFerretDb): void;
}

/** A FerretDB kept running: restarted with back-off whenever it exits until `stop()`. */
export interface SupervisedFerretDb {
  current(): RunningFerretDb | null;
  stop(): Promise<void>;
}

/**
 * Starts FerretDB through `start` (a failure of the first start is thrown) and restarts it whenever it
 * exits, waiting longer after each failed attempt. The socket stays the same, so the driver reconnects.
 */
export async function superviseFerretDb(options: {
  start: () => Promise<RunningFerretDb>;
  logger: Logger;
  events: SupervisorEvents;
  backoff?: RestartBackoff;
}): Promise<SupervisedFerretDb> {
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const log = options.logger;
  let running: RunningFerretDb | null = await options.start();
  let stopping = false;
  let delayMs = backoff.initialMs;
  let timer: NodeJS.Timeout | undefined;
  let restarting: Promise<void> = Promise.resolve();

  const watch = (proc: RunningFerretDb, startedAt: number) => {
    void proc.exited.then(() => {
      if (stopping || running !== proc) return;
      running = null;
      if (Date.now() - startedAt >= backoff.stableMs) delayMs = backoff.initialMs;
      options.events.onDown(new Date());
      log.warn({ pid: proc.pid, restartInMs: delayMs }, 'the embedded database stopped; restarting it');
      schedule();
    });
  };

  // Each wait is twice the one before until a process stays up for `stableMs`.
  const schedule = () => {
    const wait = delayMs;
    delayMs = Math.min(delayMs * 2, backoff.maxMs);
    timer = setTimeout(() => {
      restarting = attempt();
    }, wait);
  };

  const attempt = async () => {
    if (stopping) return;
    try {
      const proc = await options.start();
      if (stopping) {
        await proc.stop();
        return;
      }
      running = proc;
      watch(proc, Date.now());
      log.info({ pid: proc.pid }, 'the embedded database is running again');
      options.events.onUp(proc);
    } catch (err) {
      log.error({ err, restartInMs: delayMs }, 'the embedded database did not restart; trying again');
      schedule();
    }
  };

  watch(running, Date.now());
  return {
    current: () => running,
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await restarting;
      await running?.stop();
      running = null;
    },
  };
}
