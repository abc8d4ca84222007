import type { Connection } from 'mongoose';
import type { LanternConfig } from '../config/load.js';
import type { Logger } from '../log/logger.js';
import { connectDatabase } from './connect.js';
import { startEmbeddedDatabase } from './embedded/start.js';
import { DatabaseHealth } from './health.js';

/** Who opens the connection: the server owns the embedded database; a command borrows it. */
export interface OpenConnectionOptions {
  readonly role?: 'server' | 'command';
  /** Emit the driver's command events (`commandStarted`…) on the client, for the benches to count. */
  readonly monitorCommands?: boolean;
}

/** The connection Lantern works on, whichever way it was reached (the models are composed in src/stores.ts). */
export interface OpenConnection {
  readonly connection: Connection;
  /** For start-up messages: which server, and where its data lives. */
  readonly description: string;
  /** Outages of the embedded database a server supervises; null for MONGODB_URI or a command. */
  readonly health: DatabaseHealth | null;
  /** Closes the connection and stops the embedded server if one was started. */
  close(): Promise<void>;
}

/**
 * Connects to MONGODB_URI, or uses the embedded database when it is unset.
 * The server (`role: 'server'`) owns and supervises the embedded database; CLI commands (the default) use the
 * running server's, and start their own only when no server runs.
 */
export async function openConnection(config: LanternConfig, log: Logger, options: OpenConnectionOptions = {}): Promise<OpenConnection> {
  let connection: Connection;
  let description: string;
  let health: DatabaseHealth | null = null;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (config.database.uri) {
    connection = await connectDatabase(config.database.uri, { monitorCommands: options.monitorCommands ?? false });
    description = `MongoDB at MONGODB_URI (database "${connection.name}")`;
  } else {
    const role = options.role ?? 'command';
    if (role === 'server') health = new DatabaseHealth();
    const embedded = await startEmbeddedDatabase(config.database.dataDir, log, { role, ...(health ? { health } : {}) });
    stopEmbedded = () => embedded.stop();
    try {
      connection = await connectDatabase(embedded.uri, { dbName: 'lantern', monitorCommands: options.monitorCommands ?? false });
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
  return { connection, description, health, close };
}
