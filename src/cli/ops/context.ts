import { parseArgs } from 'node:util';
import { loadConfig, type LanternConfig } from '../../config/load.js';
import { openDatabase, type OpenDatabase } from '../../db/open.js';
import { createLogger } from '../../log/logger.js';
import type { CliIO } from '../command.js';

type OptionKinds = Record<string, 'string' | 'boolean'>;
type Parsed<T extends OptionKinds> = { [K in keyof T]?: T[K] extends 'string' ? string : boolean };

/** Reads `--name value` / `--name` options with node's parseArgs; returns the problem in words instead of throwing. */
export function readOptions<T extends OptionKinds>(args: readonly string[], kinds: T): Parsed<T> | string {
  try {
    const options = Object.fromEntries(Object.entries(kinds).map(([name, type]) => [name, { type }]));
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false }).values as Parsed<T>;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Loads the configuration (`--config FILE`, else the usual places) and opens its database for an operations command. */
export async function openOpsDatabase(io: CliIO, configFile: string | undefined): Promise<{ config: LanternConfig; database: OpenDatabase }> {
  const config = loadConfig({ ...(configFile ? { file: configFile } : {}), env: io.env, cwd: io.cwd, requireSecrets: false });
  return { config, database: await openDatabase(config, createLogger({ level: 'silent' })) };
}
