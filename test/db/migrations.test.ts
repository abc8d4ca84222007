import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations, type Migration } from '../../src/db/migrations.js';
import { ErrorCode, isLanternError } from '../../src/errors.js';
import { createLogger } from '../../src/log/logger.js';
import { connectDatabase } from '../../src/db/connect.js';
import { connectTestDatabase, dropTestDatabase, testMongoUri } from '../support/db.js';

const logger = createLogger({ level: 'silent' });
let first: Connection;
let second: Connection;

/** A migration that backfills a field and counts how often it ran; slow enough that a second runner arrives mid-way. */
function backfill(id: string, delayMs = 300): Migration & { runs: number } {
  const m = {
    id,
    description: 'backfill people.active',
    runs: 0,
    async up(db: Parameters<Migration['up']>[0]) {
      m.runs += 1;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      await db.collection('people').updateMany({ active: { $exists: false } }, { $set: { active: true } });
    },
  };
  return m;
}

beforeAll(async () => {
  first = await connectTestDatabase('migrations');
  // A second connection pool, as a second Lantern instance would have.
  second = await connectDatabase(testMongoUri(), { dbName: first.name });
  await first.db!.collection('people').insertMany([{ personId: 'a' }, { personId: 'b', active: false }]);
});

afterAll(async () => {
  await second.close();
  await dropTestDatabase(first);
});

describe('data migrations', () => {
  it('runs a migration once when two instances start at once; the other waits until it is done', async () => {
    const migration = backfill('2026-01-01-backfill-active');
    const [a, b] = await Promise.all([
      runMigrations(first.db!, [migration], { owner: 'one', logger, pollMs: 50 }),
      runMigrations(second.db!, [migration], { owner: 'two', logger, pollMs: 50 }),
    ]);
    expect(migration.runs).toBe(1);
    expect([...a.ran, ...b.ran]).toEqual(['2026-01-01-backfill-active']);
    expect([...a.alreadyDone, ...b.alreadyDone]).toEqual(['2026-01-01-backfill-active']);
    const record = await first.db!.collection('migrations').findOne({ _id: '2026-01-01-backfill-active' as never });
    expect(record).toMatchObject({ state: 'done', description: 'backfill people.active' });
    expect(await first.db!.collection('people').countDocuments({ active: true })).toBe(1);

    const again = await runMigrations(first.db!, [migration], { owner: 'three', logger });
    expect(again).toEqual({ ran: [], alreadyDone: ['2026-01-01-backfill-active'] });
    expect(migration.runs).toBe(1);
  });

  it('takes over a migration whose runner died (its heartbeat stopped) and runs it', async () => {
    const old = new Date(Date.now() - 10 * 60_000);
    await first.db!.collection('migrations').insertOne({ _id: '2026-01-02-dead' as never, state: 'running', owner: 'dead', startedAt: old, heartbeatAt: old });
    const migration = backfill('2026-01-02-dead', 0);
    const outcome = await runMigrations(first.db!, [migration], { owner: 'four', logger, pollMs: 20, staleAfterMs: 60_000 });
    expect(outcome.ran).toEqual(['2026-01-02-dead']);
    expect(await first.db!.collection('migrations').findOne({ _id: '2026-01-02-dead' as never })).toMatchObject({ state: 'done', owner: 'four' });
  });

  it('stops start-up on a failed migration and leaves no record, so the next start runs it again', async () => {
    let fail = true;
    const flaky: Migration = {
      id: '2026-01-03-flaky',
      description: 'flaky',
      async up() {
        if (fail) throw new Error('index build interrupted');
      },
    };
    await expect(runMigrations(first.db!, [flaky], { owner: 'five', logger })).rejects.toSatisfy((e) => isLanternError(e, ErrorCode.MigrationFailed) && /next start tries it again/.test((e as Error).message));
    expect(await first.db!.collection('migrations').countDocuments({ _id: '2026-01-03-flaky' as never })).toBe(0);
    fail = false;
    expect((await runMigrations(first.db!, [flaky], { owner: 'five', logger })).ran).toEqual(['2026-01-03-flaky']);
  });
});
