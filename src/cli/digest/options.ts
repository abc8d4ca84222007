import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { loadConfig, type LanternConfig } from '../../config/load.js';
import type { Models } from '../../db/models.js';
import { openDatabase } from '../../db/open.js';
import { parseIsoWeek, reportedWeek, type IsoWeek } from '../../digest/week.js';
import { ErrorCode, LanternError } from '../../errors.js';
import { createLogger, type Logger } from '../../log/logger.js';
import type { CliIO } from '../command.js';

/** Reads `--name value` from the arguments. */
export function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** The --week given, or the latest complete week in the school's zone. */
export function weekOption(args: readonly string[], timezone: string, now: Date): IsoWeek {
  const text = flag(args, '--week');
  return text ? parseIsoWeek(text) : reportedWeek(now, timezone);
}

/** Config, models and logger for a digest command; close() disconnects (and stops an embedded database). */
export interface DigestCliContext {
  config: LanternConfig;
  models: Models;
  logger: Logger;
  instanceId: string;
  close(): Promise<void>;
}

/** Opens the database the server uses (MONGODB_URI, or the embedded one under the data directory). */
export async function openDigestContext(args: readonly string[], io: CliIO): Promise<DigestCliContext> {
  const file = flag(args, '--config');
  const config = loadConfig({ ...(file ? { file } : {}), env: io.env, cwd: io.cwd, requireSecrets: false });
  // Logs go to stderr at warn, so the command's own output stays readable.
  const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, destination: process.stderr });
  const db = await openDatabase(config, logger);
  return {
    config,
    models: db.models,
    logger,
    instanceId: `cli:${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    close: db.close,
  };
}

/** The --school value, or a usage error. */
export function schoolOption(args: readonly string[], usage: string): string {
  const id = flag(args, '--school');
  if (!id) throw new LanternError(ErrorCode.UsageError, `--school is required. Usage: ${usage}`);
  return id;
}
