import type { Connection } from 'mongoose';
import type { LanternConfig } from '../config/load.js';
import type { Logger } from '../log/logger.js';
import { connectDatabase } from './connect.js';
import { startEmbeddedDatabase } from './embedded/start.js';
import { createModels, ensureIndexes, type Models } from './models.js';

/** The database Lantern works on, whichever way it was reached. */
export interface OpenDatabase {
  readonly connection: Connection;
  readonly models: Models;
  /** For start-up messages: which server, and where its data lives. */
  readonly description: string;
  /** Closes the connection and stops the embedded server if one was started. */
  close(): Promise<void>;
}

/**
 * Connects to MONGODB_URI, or starts the embedded database when it is unset, and makes sure every index
 * exists. The server and every CLI command open the database through here.
 */
export async function openDatabase(config: LanternConfig, log: Logger): Promise<OpenDatabase> {
  let connection: Connection;
  let description: string;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (config.database.uri) {
    connection = await connectDatabase(config.database.uri);
    description = `MongoDB at MONGODB_URI (database "${connection.name}")`;
  } else {
    const embedded = await startEmbeddedDatabase(config.database.dataDir, log);
    stopEmbedded = () => embedded.stop();
    try {
      connection = await connectDatabase(embedded.uri, { dbName: 'lantern' });
    } catch (err) {
      await embedded.stop();
      throw err;
    }
    description = `embedded ${embedded.description}`;
  }
  const close = async () => {
    await connection.close();
    await stopEmbedded?.();
  };
  try {
    const models = createModels(connection);
    await ensureIndexes(models);
    return { connection, models, description, close };
  } catch (err) {
    await close();
    throw err;
  }
}
