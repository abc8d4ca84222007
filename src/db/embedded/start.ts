import path from 'node:path';
import { existsSync } from 'node:fs';
import { ErrorCode, LanternError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { DatabaseHealth } from '../health.js';
import { cachedFerretDbPath, ensureFerretDbBinary, FERRETDB_VERSION, hasGo } from './ferretdb.js';
import { openOwnedFerretDb } from './ferretdb-owner.js';
import { securePrivateDir } from './private-dir.js';
import type { RestartBackoff } from './supervisor.js';

/** An embedded MongoDB-compatible server started by Lantern itself. */
export interface EmbeddedDatabase {
  readonly kind: 'ferretdb';
  readonly description: string;
  /** Connection string without a database name. */
  readonly uri: string;
  stop(): Promise<void>;
}

/** How this process uses the embedded database: a server owns and supervises it; a command borrows the server's. */
export interface EmbeddedOptions {
  readonly role?: 'server' | 'command';
  /** Told when a server's FerretDB goes down and comes back. */
  readonly health?: DatabaseHealth;
  readonly backoff?: RestartBackoff;
  /** How long to wait for another Lantern process that holds the database. */
  readonly waitMs?: number;
}

/**
 * Starts the embedded database used when MONGODB_URI is unset: FerretDB, built once with Go when its binary
 * is not cached. Only FerretDB is embedded: it listens on a private Unix socket alone, where a mongod
 * downloaded by mongodb-memory-server listened on a TCP port with no credentials.
 * Data lives under `dataDir` and survives restarts.
 */
export async function startEmbeddedDatabase(dataDir: string, log: Logger, options: EmbeddedOptions = {}): Promise<EmbeddedDatabase> {
  const ferretDir = path.join(dataDir, 'ferretdb');
  const hadFerretDir = existsSync(ferretDir);
  // Pupils' names and safeguarding cases live here: private to Lantern's user, whatever an older version left.
  const loosened = [...securePrivateDir(dataDir), ...(hadFerretDir ? securePrivateDir(ferretDir) : [])];
  if (loosened.length > 0) log.warn({ paths: loosened }, 'the database files were readable by other users; made them private (0700 directories, 0600 files)');
  const useFerret = async (): Promise<EmbeddedDatabase> => {
    if (!existsSync(cachedFerretDbPath())) log.info('building the embedded database (FerretDB %s) with Go: once, about a minute…', FERRETDB_VERSION);
    const binary = await ensureFerretDbBinary();
    securePrivateDir(ferretDir);
    const handle = await openOwnedFerretDb(ferretDir, { binary, role: options.role ?? 'command', logger: log, ...pick(options) });
    return { kind: 'ferretdb', description: handle.description, uri: handle.uri, stop: () => handle.stop() };
  };
  if (existsSync(cachedFerretDbPath()) || (await hasGo())) return useFerret();
  throw new LanternError(
    ErrorCode.EmbeddedDatabaseUnavailable,
    'No database: MONGODB_URI is unset and Go is not installed to build the embedded one (FerretDB). ' +
      'Set MONGODB_URI to a MongoDB 6+ server, or install Go 1.22+ and start again.',
  );
}

function pick(options: EmbeddedOptions): Pick<EmbeddedOptions, 'health' | 'backoff' | 'waitMs'> {
  return {
    ...(options.health ? { health: options.health } : {}),
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.waitMs !== undefined ? { waitMs: options.waitMs } : {}),
  };
}
