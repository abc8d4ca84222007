/** True for MongoDB's duplicate-key error (E11000), which FerretDB also returns for inserts. */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}

/** True when a write failed only on duplicate keys (an unordered insert reports each in `writeErrors`). */
export function isOnlyDuplicateKeys(err: unknown): boolean {
  if (isDuplicateKey(err)) return true;
  const errors = (err as { writeErrors?: unknown } | null)?.writeErrors;
  const list = Array.isArray(errors) ? errors : errors ? [errors] : [];
  return list.length > 0 && list.every(isDuplicateKey);
}

/** True for the embedded FerretDB's SQLite "database is locked" answer to a write under contention. */
export function isBusy(err: unknown): boolean {
  const message = err instanceof Error ? err.message : '';
  return message.includes('SQLITE_BUSY') || message.includes('database is locked');
}

/** Tries of one busy write, the first included. */
const BUSY_ATTEMPTS = 6;
// Waits double from 20 ms and stop growing at 320 ms; the jitter keeps racing writers from meeting again.
const FIRST_WAIT_MS = 20;
const LONGEST_WAIT_MS = 320;
const JITTER_MS = 20;

/**
 * The one wait before trying a contended write again (a busy database, or a lost race for the next
 * sequence number): `attempt` counts from 1, the wait doubles to a ceiling, plus random jitter.
 */
export function writeRetryDelayMs(attempt: number, random: () => number = Math.random): number {
  return Math.min(LONGEST_WAIT_MS, FIRST_WAIT_MS * 2 ** (Math.max(1, attempt) - 1)) + random() * JITTER_MS;
}

/** Waits `writeRetryDelayMs(attempt)`. */
export function pauseBeforeRetry(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, writeRetryDelayMs(attempt)));
}

/**
 * Runs one write again when the embedded database (FerretDB on SQLite) reports it busy. A busy write
 * changed nothing, so repeating it is safe; other errors, including duplicate keys, pass straight through.
 */
export async function retryBusy<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (!isBusy(err) || attempt >= BUSY_ATTEMPTS) throw err;
      await pauseBeforeRetry(attempt);
    }
  }
}
