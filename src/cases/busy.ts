const ATTEMPTS = 6;

/** True for the embedded FerretDB's SQLite "database is locked" answer to a write under contention. */
export function isBusy(err: unknown): boolean {
  const message = err instanceof Error ? err.message : '';
  return message.includes('SQLITE_BUSY') || message.includes('database is locked');
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
      if (!isBusy(err) || attempt >= ATTEMPTS) throw err;
      await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt + Math.random() * 20));
    }
  }
}
