import type { Connection } from 'mongoose';
import { connectDatabase } from '../../../../src/db/connect.js';
import { createModels, ensureIndexes, type Models } from '../../../../src/stores.js';
import { FakeGoogle } from './fake-google.js';
import { FakeMicrosoft } from './fake-microsoft.js';

/** What a connector test runs against: the Google and Microsoft stand-ins and its own database, indexed. */
export interface ConnectorWorld {
  google: FakeGoogle;
  ms: FakeMicrosoft;
  conn: Connection;
  models: Models;
  /** Drops the database and stops both stand-ins. */
  stop(): Promise<void>;
}

/** Starts the stand-ins and connects to the database at `uri` (a fresh name per test file). */
export async function startConnectorWorld(uri: string): Promise<ConnectorWorld> {
  const google = await new FakeGoogle().start();
  const ms = await new FakeMicrosoft().start();
  const conn = await connectDatabase(uri);
  const models = createModels(conn);
  await ensureIndexes(models);
  return {
    google,
    ms,
    conn,
    models,
    async stop() {
      await conn.dropDatabase();
      await conn.close();
      await google.stop();
      await ms.stop();
    },
  };
}
