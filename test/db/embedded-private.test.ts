import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../src/db/connect.js';
import { readOwner } from '../../src/db/embedded/owner-record.js';
import { MAX_SOCKET_PATH_BYTES } from '../../src/db/embedded/socket-path.js';
import { startEmbeddedDatabase } from '../../src/db/embedded/start.js';
import { createLogger } from '../../src/log/logger.js';
import { commandLine, listeningTcpPorts } from '../support/process-sockets.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'lantern-private-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const silent = createLogger({ level: 'silent' });
const mode = (p: string) => statSync(p).mode & 0o777;

describe('the embedded database is private to Lantern', () => {
  it('tightens a data dir left open by an older install, creates private files, and listens on no TCP port', { timeout: 60_000 }, async () => {
    const dataDir = path.join(root, 'open');
    mkdirSync(path.join(dataDir, 'ferretdb'), { recursive: true });
    chmodSync(dataDir, 0o755);
    chmodSync(path.join(dataDir, 'ferretdb'), 0o755);
    writeFileSync(path.join(dataDir, 'ferretdb', 'notes.txt'), 'left by an older install', { mode: 0o644 });

    const db = await startEmbeddedDatabase(dataDir, silent, { role: 'server' });
    try {
      const conn = await connectDatabase(db.uri, { dbName: 'lantern' });
      await conn.collection('probe').insertOne({ pupil: 'fictional' });
      expect(await conn.collection('probe').countDocuments()).toBe(1);
      await conn.close();

      const ferretDir = path.join(dataDir, 'ferretdb');
      expect(mode(dataDir)).toBe(0o700);
      expect(mode(ferretDir)).toBe(0o700);
      const files = readdirSync(ferretDir).filter((f) => statSync(path.join(ferretDir, f)).isFile());
      expect(files).toEqual(expect.arrayContaining(['lantern.sqlite', 'owner.json', 'notes.txt']));
      for (const file of files) expect({ file, mode: mode(path.join(ferretDir, file)) & 0o077 }).toEqual({ file, mode: 0 });

      const owner = readOwner(ferretDir);
      expect(owner?.ownerPid).toBe(process.pid);
      expect(db.uri).toBe(owner?.uri);
      expect(owner?.socket).toBe(path.join(ferretDir, 'ferretdb.sock'));
      const pid = owner?.ferretPid as number;
      expect(listeningTcpPorts(pid)).toEqual([]);
      expect(commandLine(pid)).toEqual(expect.arrayContaining(['--listen-addr=', `--listen-unix=${owner?.socket}`, '--debug-addr=-', '--telemetry=disable']));
    } finally {
      await db.stop();
    }
  });

  it('puts the socket in a short private directory when the data dir path is too long for one, and records where', { timeout: 60_000 }, async () => {
    const dataDir = path.join(root, 'x'.repeat(60), 'y'.repeat(60));
    expect(Buffer.byteLength(path.join(dataDir, 'ferretdb', 'ferretdb.sock'))).toBeGreaterThan(MAX_SOCKET_PATH_BYTES);
    const db = await startEmbeddedDatabase(dataDir, silent, { role: 'server' });
    try {
      const owner = JSON.parse(readFileSync(path.join(dataDir, 'ferretdb', 'owner.json'), 'utf8')) as { socket: string; ferretPid: number };
      expect(Buffer.byteLength(owner.socket)).toBeLessThanOrEqual(MAX_SOCKET_PATH_BYTES);
      expect(owner.socket.startsWith(dataDir)).toBe(false);
      expect(mode(path.dirname(owner.socket))).toBe(0o700);
      expect(listeningTcpPorts(owner.ferretPid)).toEqual([]);
      const conn = await connectDatabase(db.uri, { dbName: 'lantern' });
      expect(await conn.collection('probe').countDocuments()).toBe(0);
      await conn.close();
    } finally {
      await db.stop();
    }
  });
});
