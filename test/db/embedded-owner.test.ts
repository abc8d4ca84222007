import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureFerretDbBinary, startFerretDb } from '../../src/db/embedded/ferretdb.js';
import { isProcessAlive, processStartTime, readOwner } from '../../src/db/embedded/owner-record.js';
import { socketUri } from '../../src/db/embedded/socket-path.js';
import { startEmbeddedDatabase } from '../../src/db/embedded/start.js';
import { isLanternError, ErrorCode } from '../../src/errors.js';
import { createLogger } from '../../src/log/logger.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'lantern-owner-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const silent = createLogger({ level: 'silent' });

/** The pid of a process that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid as number;
}

describe('who may stop an embedded FerretDB', () => {
  it('stops a FerretDB whose owner is dead, then starts its own', { timeout: 60_000 }, async () => {
    const ferretDir = path.join(root, 'orphan', 'ferretdb');
    mkdirSync(ferretDir, { recursive: true });
    const socket = path.join(ferretDir, 'ferretdb.sock');
    const orphan = await startFerretDb({ binary: await ensureFerretDbBinary(), dataDir: ferretDir, socket });
    const owner = { ownerPid: deadPid(), ownerStartedAt: null, role: 'server', ferretPid: orphan.pid, socket, uri: socketUri(socket) };
    writeFileSync(path.join(ferretDir, 'owner.json'), JSON.stringify(owner), { mode: 0o600 });

    const db = await startEmbeddedDatabase(path.dirname(ferretDir), silent);
    try {
      await orphan.exited;
      expect(isProcessAlive(orphan.pid)).toBe(false);
      expect(readOwner(ferretDir)).toMatchObject({ ownerPid: process.pid, role: 'command' });
    } finally {
      await db.stop();
    }
  });

  it('never stops a FerretDB whose owner is alive: a second server is refused and the first keeps running', { timeout: 60_000 }, async () => {
    const dataDir = path.join(root, 'owned');
    const first = await startEmbeddedDatabase(dataDir, silent, { role: 'server' });
    try {
      const ferretPid = readOwner(path.join(dataDir, 'ferretdb'))?.ferretPid as number;
      const second = await startEmbeddedDatabase(dataDir, silent, { role: 'server' }).then(
        () => null,
        (err: unknown) => err,
      );
      expect(isLanternError(second, ErrorCode.EmbeddedDatabaseBusy)).toBe(true);
      expect(isProcessAlive(ferretPid)).toBe(true);
      expect(processStartTime(process.pid)).not.toBeNull();
    } finally {
      await first.stop();
    }
  });

  it('stops a FerretDB named by the pid file of an older Lantern', { timeout: 60_000 }, async () => {
    const ferretDir = path.join(root, 'legacy', 'ferretdb');
    mkdirSync(ferretDir, { recursive: true });
    const old = await startFerretDb({ binary: await ensureFerretDbBinary(), dataDir: ferretDir });
    writeFileSync(path.join(ferretDir, 'ferretdb.pid'), String(old.pid));
    const db = await startEmbeddedDatabase(path.dirname(ferretDir), silent);
    try {
      await old.exited;
      expect(isProcessAlive(old.pid)).toBe(false);
    } finally {
      await db.stop();
    }
  });
});
