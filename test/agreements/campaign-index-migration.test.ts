import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../../src/db/migrations.js';
import { createModels, ensureIndexes } from '../../src/stores.js';
import { createLogger } from '../../src/log/logger.js';
import { STARTUP_MIGRATIONS } from '../../src/server/migrations.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';

const logger = createLogger({ level: 'silent' });
let conn: Connection;

beforeAll(async () => {
  conn = await connectTestDatabase('campaign_index');
});
afterAll(async () => {
  await dropTestDatabase(conn);
});

describe('the agreement campaigns index migration', () => {
  it('drops the old unique {schoolId, key} index, so two policies can be issued on one day in a database built before the change', async () => {
    const db = conn.db!;
    const campaigns = db.collection<{ _id: string; schoolId: string; policyId: string; versionId: string; key: string }>('agreement_campaigns');
    // A database as an earlier release left it: the old index, and a campaign issued today.
    await campaigns.createIndex({ schoolId: 1, key: 1 }, { unique: true });
    await campaigns.insertOne({ _id: 'sim:class-rules:v1:2026-09-01', schoolId: 'sim', policyId: 'class-rules', versionId: 'class-rules-v1', key: '2026-09-01' });
    await ensureIndexes(createModels(conn));

    const outcome = await runMigrations(db, STARTUP_MIGRATIONS, { owner: 'test', logger });
    expect(outcome.ran).toContain('2026-07-01-agreement-campaigns-drop-school-key-index');

    const keys = (await campaigns.listIndexes().toArray()).map((i) => Object.keys(i.key as object).join(','));
    expect(keys).not.toContain('schoolId,key');
    expect(keys).toContain('schoolId,policyId,versionId,key');
    await campaigns.insertOne({ _id: 'sim:volunteer-aua:v1:2026-09-01', schoolId: 'sim', policyId: 'volunteer-aua', versionId: 'volunteer-aua-v1', key: '2026-09-01' });
    expect(await campaigns.countDocuments({ key: '2026-09-01' })).toBe(2);
  });

  it('has nothing to do in a database without the collection', async () => {
    const other = conn.useDb(`${conn.name}_empty`);
    const outcome = await runMigrations(other.db!, STARTUP_MIGRATIONS, { owner: 'test', logger });
    expect(outcome.ran).toContain('2026-07-01-agreement-campaigns-drop-school-key-index');
    expect(await other.db!.listCollections({ name: 'agreement_campaigns' }).hasNext()).toBe(false);
    await other.dropDatabase();
  });
});
