import { loadConfig, type LanternConfig } from '../../config/load.js';
import type { Models } from '../../db/models.js';
import { openDatabase } from '../../db/open.js';
import { ErrorCode, LanternError } from '../../errors.js';
import { createLogger, type Logger } from '../../log/logger.js';
import type { CliIO } from '../command.js';

/** The configuration and database a `lantern monitor …` command works on. */
export interface MonitorCliContext {
  config: LanternConfig;
  models: Models;
  logger: Logger;
  close(): Promise<void>;
}

/** Loads the config (with the connector secrets when `requireSecrets`) and opens MONGODB_URI or the embedded database. */
export async function openMonitorContext(io: CliIO, requireSecrets: boolean): Promise<MonitorCliContext> {
  const config = loadConfig({ env: io.env, cwd: io.cwd, requireSecrets });
  const logger = createLogger({ level: 'silent' });
  const db = await openDatabase(config, logger);
  return { config, models: db.models, logger, close: db.close };
}

/** Reads `--flag value` / `--flag=value` and bare flags against a table; unknown ones are a usage error. */
export function parseMonitorFlags(args: readonly string[], known: Record<string, 'value' | 'bool'>, usage: string): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const kind = known[flag];
    if (!kind) throw new LanternError(ErrorCode.UsageError, `Unknown argument "${arg}". Usage: ${usage}`);
    if (kind === 'bool') out[flag] = true;
    else {
      const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
      if (!value) throw new LanternError(ErrorCode.UsageError, `${flag} needs a value. Usage: ${usage}`);
      out[flag] = value;
    }
  }
  return out;
}

/** "30d", "12h", "90m" or an ISO date → ms since the epoch. */
export function parseSince(value: string, now: number): number {
  const m = /^(\d+)([dhm])$/.exec(value.trim());
  if (m) return now - Number(m[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[m[2] as 'd' | 'h' | 'm'];
  const at = Date.parse(value);
  if (Number.isNaN(at) || at > now) throw new LanternError(ErrorCode.UsageError, `--since must be a span such as 30d, 12h or 90m, or a past date such as 2026-09-01; got "${value}".`);
  return at;
}

/** "3 h 5 min", "12 min", "40 s" — for lags. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ${min % 60} min`;
  return `${Math.floor(h / 24)} days`;
}
