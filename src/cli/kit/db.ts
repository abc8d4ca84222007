import { loadConfig, type LanternConfig } from '../../config/load.js';
import type { Models } from '../../db/models.js';
import { openDatabase } from '../../db/open.js';
import { createLogger } from '../../log/logger.js';
import type { CliIO } from '../command.js';

/** The configuration and database a `lantern cases …` command works on. */
export interface CasesCliContext {
  config: LanternConfig;
  models: Models;
  close(): Promise<void>;
}

/** Loads the config and opens MONGODB_URI (or the embedded database) for a cases command. */
export async function openCasesDatabase(io: CliIO): Promise<CasesCliContext> {
  const config = loadConfig({ env: io.env, cwd: io.cwd, requireSecrets: false });
  const db = await openDatabase(config, createLogger({ level: 'silent' }));
  return { config, models: db.models, close: db.close };
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
