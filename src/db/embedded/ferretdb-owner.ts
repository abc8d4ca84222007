import { existsSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../log/logger.js';
import { connectDatabase, pingDatabase } from '../connect.js';
import type { DatabaseHealth } from '../health.js';
import { ErrorCode, LanternError } from '../../errors.js';
import { FERRETDB_VERSION, startFerretDb, type RunningFerretDb } from './ferretdb.js';
import { claimOwner, ownerIsAlive, processStartTime, readOwner, releaseOwner, removeStaleOwner, stopOrphan, updateOwner, type DatabaseOwner } from './owner-record.js';
import { chooseSocketPath, socketUri } from './socket-path.js';
import { superviseFerretDb, type RestartBackoff } from './supervisor.js';

/** A FerretDB this process uses: its own (started, and stopped on `stop`) or a running server's. */
export interface FerretDbHandle {
  readonly uri: string;
  readonly socket: string;
  readonly description: string;
  stop(): Promise<void>;
}

/** Who is opening the database, and how long to wait for another Lantern process that holds it. */
export interface FerretDbOwnerOptions {
  readonly binary: string;
  readonly role: 'server' | 'command';
  readonly logger: Logger;
  /** Told when the server's FerretDB goes down and comes back (servers only). */
  readonly health?: DatabaseHealth;
  readonly backoff?: RestartBackoff;
  /** How long to wait for a command that holds the database, or for a server's FerretDB that is restarting. */
  readonly waitMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function answersPing(uri: string): Promise<boolean> {
  try {
    const conn = await connectDatabase(uri, { timeoutMs: 3_000 });
    try {
      return await pingDatabase(conn);
    } finally {
      await conn.close();
    }
  } catch {
    return false;
  }
}

function busy(owner: DatabaseOwner, role: 'server' | 'command', ferretDir: string): LanternError {
  const who = owner.role === 'server' ? `the Lantern server (pid ${owner.ownerPid})` : `another lantern command (pid ${owner.ownerPid})`;
  const fix =
    role === 'server' && owner.role === 'server'
      ? 'stop that server first, or give this one another LANTERN_DATA_DIR'
      : owner.role === 'server'
        ? "its database is not answering; check that server's /readyz and log, then try again"
        : 'wait for it to finish and try again';
  return new LanternError(ErrorCode.EmbeddedDatabaseBusy, `The embedded database in ${ferretDir} is in use by ${who}: ${fix}.`);
}

function attached(owner: DatabaseOwner): FerretDbHandle {
  return {
    uri: owner.uri,
    socket: owner.socket,
    description: `FerretDB of the Lantern server running as pid ${owner.ownerPid}, at ${owner.socket}`,
    stop: async () => undefined,
  };
}

/**
 * Opens the FerretDB on `ferretDir` safely beside other Lantern processes. A command uses the running
 * server's FerretDB (found through the owner record) and starts its own only when no server runs; nobody
 * stops a FerretDB whose owner is alive, only one left behind by a dead owner. A server supervises its
 * FerretDB, restarting it when it exits, and records its socket for the commands.
 */
export async function openOwnedFerretDb(ferretDir: string, options: FerretDbOwnerOptions): Promise<FerretDbHandle> {
  const { role } = options;
  await stopLegacyFerretDb(ferretDir);
  const deadline = Date.now() + (options.waitMs ?? 60_000);
  for (;;) {
    const owner = readOwner(ferretDir);
    if (owner && ownerIsAlive(owner)) {
      if (role === 'server' && owner.role === 'server') throw busy(owner, role, ferretDir);
      if (role === 'command' && owner.role === 'server' && owner.ferretPid !== null && (await answersPing(owner.uri))) return attached(owner);
      if (Date.now() > deadline) throw busy(owner, role, ferretDir);
      await sleep(500);
      continue;
    }
    if (owner) {
      await stopOrphan(owner);
      removeStaleOwner(ferretDir);
    }
    const socket = chooseSocketPath(ferretDir);
    const record: DatabaseOwner = { ownerPid: process.pid, ownerStartedAt: processStartTime(process.pid), role, ferretPid: null, socket, uri: socketUri(socket) };
    // Another process claimed it between our read and now: look again.
    if (!claimOwner(ferretDir, record)) continue;
    return startOwn(ferretDir, record, options);
  }
}

/**
 * Lantern before owner records kept only `ferretdb.pid`; after an upgrade (old server stopped first), a FerretDB
 * still named there was left behind by a crash.
 */
async function stopLegacyFerretDb(ferretDir: string): Promise<void> {
  const legacy = path.join(ferretDir, 'ferretdb.pid');
  if (!existsSync(legacy)) return;
  const ferretPid = Number(readFileSync(legacy, 'utf8').trim());
  await stopOrphan({ ownerPid: 0, ownerStartedAt: null, role: 'server', ferretPid: Number.isInteger(ferretPid) ? ferretPid : null, socket: '', uri: '' });
  rmSync(legacy, { force: true });
}

async function startOwn(ferretDir: string, record: DatabaseOwner, options: FerretDbOwnerOptions): Promise<FerretDbHandle> {
  const start = () => startFerretDb({ binary: options.binary, dataDir: ferretDir, socket: record.socket });
  const recordPid = (running: RunningFerretDb) => updateOwner(ferretDir, { ...record, ferretPid: running.pid });
  let stopProcess: () => Promise<void>;
  try {
    if (options.role === 'server') {
      const supervised = await superviseFerretDb({
        start,
        logger: options.logger,
        ...(options.backoff ? { backoff: options.backoff } : {}),
        events: {
          onDown: (at) => options.health?.markDown(at.getTime()),
          onUp: (running) => {
            recordPid(running);
            options.health?.markUp();
          },
        },
      });
      recordPid(supervised.current() as RunningFerretDb);
      stopProcess = () => supervised.stop();
    } else {
      const running = await start();
      recordPid(running);
      stopProcess = () => running.stop();
    }
  } catch (err) {
    releaseOwner(ferretDir);
    throw err;
  }
  return {
    uri: record.uri,
    socket: record.socket,
    description: `FerretDB ${FERRETDB_VERSION} (SQLite), data in ${ferretDir}, listening on ${record.socket}`,
    async stop() {
      await stopProcess();
      releaseOwner(ferretDir);
      // The short directory used when the data dir path is too long for a socket; empty once FerretDB has gone.
      if (path.dirname(record.socket) !== ferretDir) {
        try {
          rmdirSync(path.dirname(record.socket));
        } catch {
          // Not empty or already gone: leave it.
        }
      }
    },
  };
}
