import { registerSchoolCalendars } from '../../agreements/academic-year.js';
import { loadConfig, type LanternConfig, type School } from '../../config/load.js';
import type { Models } from '../../db/models.js';
import { openDatabase } from '../../db/open.js';
import { ErrorCode, LanternError } from '../../errors.js';
import { createLogger } from '../../log/logger.js';
import type { CliIO } from '../command.js';

/** The configuration and database an agreements or evidence command works on. */
export interface AgreementsCli {
  config: LanternConfig;
  models: Models;
  close(): Promise<void>;
}

/** Loads the config (`--config FILE` or the demo) and opens MONGODB_URI, or the embedded database. */
export async function openAgreementsCli(io: CliIO, file: string | undefined): Promise<AgreementsCli> {
  const config = loadConfig({ ...(file ? { file } : {}), env: io.env, cwd: io.cwd, requireSecrets: false });
  // Signatures and figures of yearly agreements depend on each school's academic-year start.
  registerSchoolCalendars(config.schools);
  const db = await openDatabase(config, createLogger({ level: 'silent' }));
  return { config, models: db.models, close: db.close };
}

/** The school named by `--school`, or the only one configured. */
export function pickSchool(config: LanternConfig, id: string | undefined): School {
  const school = id ? config.schools.find((s) => s.id === id) : config.schools.length === 1 ? config.schools[0] : undefined;
  if (!school) {
    throw new LanternError(ErrorCode.UsageError, id ? `No school "${id}" is configured (known: ${config.schools.map((s) => s.id).join(', ')}).` : `Several schools are configured: say which with --school (${config.schools.map((s) => s.id).join(', ')}).`);
  }
  return school;
}

/** Parses `--flag value`, `--flag=value` and bare `--flag`s; positional words are returned in `_`. */
export function parseFlags(args: readonly string[], known: Record<string, 'value' | 'bool'>): { flags: Record<string, string | true>; positional: string[] } {
  const flags: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    const kind = known[name];
    if (!kind) throw new LanternError(ErrorCode.UsageError, `Unknown option --${name}. Options: ${Object.keys(known).map((k) => `--${k}`).join(', ')}.`);
    if (kind === 'bool') flags[name] = true;
    else {
      const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
      if (!value || value.startsWith('--')) throw new LanternError(ErrorCode.UsageError, `--${name} needs a value.`);
      flags[name] = value;
    }
  }
  return { flags, positional };
}

/** A string flag, or undefined. */
export function flag(flags: Record<string, string | true>, name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}
