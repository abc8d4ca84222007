import path from 'node:path';
import { existsSync } from 'node:fs';
import { ErrorCode, LanternError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import { cachedFerretDbPath, ensureFerretDbBinary, FERRETDB_VERSION, hasGo, startFerretDb } from './ferretdb.js';

/** An embedded MongoDB-compatible server started by Lantern itself. */
export interface EmbeddedDatabase {
  readonly kind: 'ferretdb' | 'mongodb-memory-server';
  readonly description: string;
  /** Connection string without a database name. */
  readonly uri: string;
  stop(): Promise<void>;
}

async function tryMongoMemoryServer(dataDir: string, log: Logger): Promise<EmbeddedDatabase | null> {
  try {
    const { MongoMemoryServer } = await import('mongodb-memory-server-core');
    const dbPath = path.join(dataDir, 'mongod');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dbPath, { recursive: true });
    const server = await MongoMemoryServer.create({ instance: { dbPath, storageEngine: 'wiredTiger', ip: '127.0.0.1' } });
    return {
      kind: 'mongodb-memory-server',
      description: `MongoDB ${server.opts.binary?.version ?? ''} (mongodb-memory-server), data in ${dbPath}`.replace('  ', ' '),
      uri: server.getUri().replace(/\/[^/]*$/, '/'),
      stop: async () => {
        await server.stop({ doCleanup: false });
      },
    };
  } catch (err) {
    log.debug({ err }, 'mongodb-memory-server unavailable');
    log.info('mongod could not be downloaded here; using FerretDB instead');
    return null;
  }
}

/**
 * Starts the embedded database used when MONGODB_URI is unset: FerretDB when its binary is cached,
 * otherwise mongodb-memory-server when it can download mongod, otherwise FerretDB built with Go.
 * Data lives under `dataDir` and survives restarts.
 */
export async function startEmbeddedDatabase(dataDir: string, log: Logger): Promise<EmbeddedDatabase> {
  const ferretDir = path.join(dataDir, 'ferretdb');
  const useFerret = async (): Promise<EmbeddedDatabase> => {
    const binary = await ensureFerretDbBinary();
    const running = await startFerretDb({ binary, dataDir: ferretDir });
    return {
      kind: 'ferretdb',
      description: `FerretDB ${FERRETDB_VERSION} (SQLite), data in ${ferretDir}`,
      uri: running.uri,
      stop: () => running.stop(),
    };
  };
  if (existsSync(cachedFerretDbPath()) || existsSync(ferretDir)) return useFerret();
  const memory = await tryMongoMemoryServer(dataDir, log);
  if (memory) return memory;
  if (await hasGo()) return useFerret();
  throw new LanternError(
    ErrorCode.EmbeddedDatabaseUnavailable,
    'No database: MONGODB_URI is unset, mongod could not be downloaded and Go is not installed to build FerretDB. ' +
      'Set MONGODB_URI to a MongoDB 6+ server, or install Go 1.22+ and start again.',
  );
}
