import mongoose, { type Connection } from 'mongoose';
import { ErrorCode, LanternError } from '../errors.js';

/** Hides credentials in a connection string before it is printed. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//***@');
}

/** Opens a mongoose connection (not the global one) and fails with a clear message when unreachable. */
export async function connectDatabase(uri: string, options: { dbName?: string; timeoutMs?: number; monitorCommands?: boolean } = {}): Promise<Connection> {
  const conn = mongoose.createConnection(uri, {
    ...(options.dbName ? { dbName: options.dbName } : {}),
    // Off unless asked: the benches count the commands each action costs through the driver's events.
    ...(options.monitorCommands ? { monitorCommands: true } : {}),
    serverSelectionTimeoutMS: options.timeoutMs ?? 10_000,
    autoIndex: false,
  });
  try {
    await conn.asPromise();
  } catch (err) {
    await conn.close().catch(() => undefined);
    throw new LanternError(
      ErrorCode.DatabaseUnavailable,
      `Cannot reach MongoDB at ${redactUri(uri)}: ${(err as Error).message}. Check MONGODB_URI and that the server is running.`,
      { cause: err },
    );
  }
  return conn;
}

/** Answers true when the database responds to a ping within `timeoutMs`. */
export async function pingDatabase(conn: Connection, timeoutMs = 2_000): Promise<boolean> {
  if (conn.readyState !== 1 || !conn.db) return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    const ping = conn.db.admin().ping();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('ping timed out')), timeoutMs);
    });
    await Promise.race([ping, timeout]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
