import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { inject } from 'vitest';
import { connectDatabase } from '../../src/db/connect.js';

/** The server's connection string (no database name) provided by the global setup. */
export function testMongoUri(): string {
  return inject('mongoUri');
}

/** Connects to a fresh, uniquely named database for one test file; drop it with `dropTestDatabase`. */
export async function connectTestDatabase(prefix = 't'): Promise<Connection> {
  const dbName = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  return connectDatabase(testMongoUri(), { dbName });
}

/** Drops the test database and closes the connection. */
export async function dropTestDatabase(conn: Connection): Promise<void> {
  await conn.dropDatabase().catch(() => undefined);
  await conn.close();
}
