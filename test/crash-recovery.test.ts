import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../src/db/connect.js';
import { startEmbeddedDatabase } from '../src/db/embedded/start.js';
import { createLogger } from '../src/log/logger.js';
import { makeInstall, postActivity } from './support/activities.js';
import { spawnLantern } from './support/spawn-lantern.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lantern-crash-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('killing the server mid-request', () => {
  it('loses nothing that was acknowledged, and the restarted server carries on', { timeout: 240_000 }, async () => {
    const first = await spawnLantern({ LANTERN_DATA_DIR: dataDir });
    expect(first.output()).toContain('embedded FerretDB');

    // Keep eight requests in flight and kill -9 the server while they are.
    const acknowledged: string[] = [];
    let sent = 0;
    let killed = false;
    const worker = async () => {
      while (!killed && sent < 400) {
        const activity = makeInstall();
        sent++;
        const result = await postActivity(first.url, activity).catch(() => undefined);
        if (result?.status === 200) acknowledged.push((activity.conversation as { id: string }).id);
        if (acknowledged.length >= 60 && !killed) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(killed).toBe(true);
    await first.exited;

    const second = await spawnLantern({ LANTERN_DATA_DIR: dataDir });
    try {
      const status = await postActivity(second.url, makeInstall());
      expect(status.status).toBe(200);
    } finally {
      expect(await second.stop()).toBe(0);
    }
    expect(existsSync(path.join(dataDir, 'ferretdb', 'owner.json'))).toBe(false);

    // Read the data back through a fresh embedded server on the same directory.
    const db = await startEmbeddedDatabase(dataDir, createLogger({ level: 'silent' }));
    const conn = await connectDatabase(db.uri, { dbName: 'lantern' });
    try {
      const stored = new Set((await conn.collection('conversation_refs').find({}, { projection: { conversationId: 1 } }).toArray()).map((d) => d.conversationId as string));
      const lost = acknowledged.filter((id) => !stored.has(id));
      expect(lost).toEqual([]);
      expect(stored.size).toBeGreaterThanOrEqual(acknowledged.length + 1);
      expect(await conn.collection('people').countDocuments({ schoolId: 'northgate', active: true })).toBe(159);
    } finally {
      await conn.close();
      await db.stop();
    }
  });
});
