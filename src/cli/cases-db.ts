import type { Connection } from 'mongoose';
import { loadConfig, type LanternConfig } from '../config/load.js';
import { connectDatabase } from '../db/connect.js';
import { startEmbeddedDatabase } from '../db/embedded/start.js';
import { createModels, ensureIndexes, type Models } from '../db/models.js';
import { createLogger } from '../log/logger.js';
import type { CliIO } from './command.js';

/** The configuration and database a `lantern cases …` command works on. */
export interface CasesCliContext {
  config: LanternConfig;
  models: Models;
  close(): Promise<void>;
}

/** Loads the config and opens MONGODB_URI (or the embedded database) for a cases command. */
export async function openCasesDatabase(io: CliIO): Promise<CasesCliContext> {
  const config = loadConfig({ env: io.env, cwd: io.cwd, requireSecrets: false });
  const log = createLogger({ level: 'silent' });
  let connection: Connection;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (config.database.uri) connection = await connectDatabase(config.database.uri);
  else {
    const embedded = await startEmbeddedDatabase(config.database.dataDir, log);
    stopEmbedded = () => embedded.stop();
    connection = await connectDatabase(embedded.uri, { dbName: 'lantern' });
  }
  const models = createModels(connection);
  await ensureIndexes(models);
  return {
    config,
    models,
    async close() {
      await connection.close();
      await stopEmbedded?.();
    },
  };
}

/** Reads `--flag value` / `--flag=value` pairs and bare flags; returns an error string for unknown ones. */
export function readFlags(args: readonly string[], known: Record<string, 'value' | 'bool'>): Record<string, string | true> | string {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const kind = known[flag];
    if (!kind) return `unknown argument "${arg}"`;
    if (kind === 'bool') out[flag] = true;
    else {
      const value = eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : args[++i];
      if (!value) return `${flag} needs a value`;
      out[flag] = value;
    }
  }
  return out;
}
