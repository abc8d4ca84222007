import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCommand } from '../../src/cases/act.js';
import { REDACT_DO_NOT_VIEW_CASES } from '../../src/cases/migrations.js';
import { openCase } from '../../src/cases/open.js';
import { foldTimeline } from '../../src/cases/state.js';
import { appendEntry, loadCase, writeCache } from '../../src/cases/store.js';
import { verifyCases } from '../../src/cases/verify.js';
import { runMigrations } from '../../src/db/migrations.js';
import { createLogger } from '../../src/log/logger.js';
import { STARTUP_MIGRATIONS } from '../../src/server/migrations.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';
import { demoSchool, makeCaseInput, RUTH } from './fixtures.js';

const school = demoSchool();
const logger = createLogger({ level: 'silent' });
let conn: Connection;
let models: Models;

beforeAll(async () => {
  conn = await connectTestDatabase('dnv_migration');
  models = createModels(conn);
  await ensureIndexes(models);
});
afterAll(async () => {
  await dropTestDatabase(conn);
});

/** A case as an earlier release left it: opened with links and ids in its text, then marked "do not view". */
async function legacyCase(summary: string) {
  const opened = await openCase(models, school, makeCaseInput({ summary, where: 'Snapchat, snapchat.com/add/kid99', detections: [{ detectionId: `d-${summary.length}`, ruleId: 'sharing.public_link.google', family: 'sharing.public_link', at: new Date(), objectId: 'DRIVE1aB2cD3eF4gH5iJ6kL7' }], objectKeys: ['object:DRIVE1aB2cD3eF4gH5iJ6kL7'] }), new Date());
  await applyCommand(models, school.id, opened.caseId, RUTH, { kind: 'note', text: 'The file is IMG_2231.jpg at https://drive.google.com/file/d/DRIVE1aB2cD3eF4gH5iJ6kL7' }, () => new Date());
  // Marked "do not view" as earlier releases did: without redacting the entries before it.
  const loaded = await loadCase(models, school.id, opened.caseId);
  if (!loaded) throw new Error('case not found');
  const entry = await appendEntry(models, { caseId: opened.caseId, schoolId: school.id, head: loaded.head, at: new Date(), by: RUTH, action: 'detection-joined', before: { doNotView: false }, after: { doNotView: true }, note: null, doNotView: true });
  await writeCache(models, loaded.doc, foldTimeline([...loaded.timeline, entry]), entry.seq);
  return opened;
}

async function stored(caseId: string): Promise<string> {
  return JSON.stringify([await models.cases.findOne({ caseId }).lean(), await models.caseTimeline.find({ caseId }).lean(), await models.caseBoard.find({ caseId }).lean()]);
}

describe('the "do not view" redaction migration', () => {
  it('removes links, file names and item ids from existing cases, re-chains them, says so on the timeline, and runs once', async () => {
    const legacy = await legacyCase('A pupil shared IMG_2231.jpg, see bit.ly/3xYz.');
    const tampered = await legacyCase('Another pupil shared IMG_9999.png.');
    await models.caseTimeline.updateOne({ caseId: tampered.caseId, seq: 2 }, { $set: { note: 'edited by hand' } });
    expect(await stored(legacy.caseId)).toContain('IMG_2231');

    const outcome = await runMigrations(conn.db!, STARTUP_MIGRATIONS, { owner: 'test', logger });
    expect(outcome.ran).toContain(REDACT_DO_NOT_VIEW_CASES.id);

    const after = await stored(legacy.caseId);
    for (const leak of ['IMG_2231', 'snapchat.com', 'kid99', 'bit.ly', 'DRIVE1aB2cD3eF4gH5iJ6kL7', 'drive.google']) expect(after).not.toContain(leak);
    expect(after).toContain('Snapchat');
    const last = await models.caseTimeline.findOne({ caseId: legacy.caseId }).sort({ seq: -1 }).lean();
    expect(last).toMatchObject({ action: 'redacted', by: { name: 'Lantern' } });
    // The tampered case is left for verify to report, not re-hashed into looking intact.
    const verified = await verifyCases(models, school.id);
    expect(verified.issues.map((i) => [i.caseId, i.kind])).toEqual([[tampered.caseId, 'edited']]);

    const entries = await models.caseTimeline.countDocuments({ caseId: legacy.caseId });
    await REDACT_DO_NOT_VIEW_CASES.up(conn.db!);
    expect(await models.caseTimeline.countDocuments({ caseId: legacy.caseId })).toBe(entries);
  });
});
