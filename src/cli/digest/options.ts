import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { parseIsoWeek, reportedWeek, type IsoWeek } from '../../digest/week.js';
import type { CliIO } from '../command.js';
import { openCommandDatabase, type CommandDatabase } from '../kit/db.js';

/** The --week given, or the latest complete week in the school's zone. */
export function weekOption(week: string | undefined, timezone: string, now: Date): IsoWeek {
  return week ? parseIsoWeek(week) : reportedWeek(now, timezone);
}

/** Config, models and logger for a digest command, and the id its sends are recorded under. */
export interface DigestCliContext extends CommandDatabase {
  instanceId: string;
}

/** Opens the database the server uses, logging warnings to stderr. */
export async function openDigestContext(io: CliIO, configFile: string | undefined): Promise<DigestCliContext> {
  const db = await openCommandDatabase(io, { configFile, log: 'stderr' });
  return { ...db, instanceId: `cli:${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}` };
}
