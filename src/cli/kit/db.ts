import type { Connection } from 'mongoose';
import { loadConfig, type LanternConfig } from '../../config/load.js';
import type { Models } from '../../stores.js';
import { openDatabase } from '../../stores.js';
import { createLogger, type Logger } from '../../log/logger.js';
import type { CliIO } from '../command.js';

/** The configuration and database a command works on. */
export interface CommandDatabase {
  config: LanternConfig;
  /** The connection itself, for commands that work on whole collections (backup, restore). */
  connection: Connection;
  models: Models;
  logger: Logger;
  close(): Promise<void>;
}

/** How a command opens the database. */
export interface OpenCommandOptions {
  /** `--config FILE`; otherwise LANTERN_CONFIG, ./lantern.config.yaml or the demo school. */
  configFile?: string | undefined;
  /** Load the connector secrets too (commands that call Google or Microsoft). */
  requireSecrets?: boolean;
  /** `stderr`: log warnings to stderr, so the command's own output stays readable; otherwise silent. */
  log?: 'silent' | 'stderr';
}

/** Loads the config and opens MONGODB_URI, or the embedded database; close() disconnects (and stops it). */
export async function openCommandDatabase(io: CliIO, options: OpenCommandOptions = {}): Promise<CommandDatabase> {
  const { configFile, requireSecrets = false, log = 'silent' } = options;
  const config = loadConfig({ ...(configFile ? { file: configFile } : {}), env: io.env, cwd: io.cwd, requireSecrets });
  const logger = log === 'stderr' ? createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, destination: process.stderr }) : createLogger({ level: 'silent' });
  const db = await openDatabase(config, logger);
  return { config, connection: db.connection, models: db.models, logger, close: db.close };
}

/** Runs `work` with the database open, and closes it however `work` ends. */
export async function withCommandDatabase<T>(io: CliIO, options: OpenCommandOptions, work: (db: CommandDatabase) => Promise<T>): Promise<T> {
  const db = await openCommandDatabase(io, options);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}
