import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCommand } from '../../src/cases/act.js';
import { openCase } from '../../src/cases/open.js';
import { loadCase } from '../../src/cases/store.js';
import { verifyCases } from '../../src/cases/verify.js';
import type { TimelineEntry } from '../../src/cases/timeline-model.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';
import { demoSchool, fakeClock, makeCaseInput, RUTH } from './fixtures.js';

let conn: Connection;
let models: Models;
const school = demoSchool();

beforeAll(async () => {
  conn = await connectTestDatabase('case_batches');
  models = createModels(conn);
  await ensureIndexes(models);
});
afterAll(async () => dropTestDatabase(conn));

/** The entry the next note on a case would append (built as appendEntry builds it, by a real first append elsewhere). */
async function nextNote(caseId: string, text: string): Promise<TimelineEntry> {
  const other = createModels(conn);
  const { caseBatches: _unused, ...plain } = other;
  const written = await applyCommand(plain, school.id, caseId, RUTH, { kind: 'note', text }, fakeClock());
  if (!written.ok) throw new Error(written.reason);
  // Take it back out, so the test can insert it as a writer that has not yet done so.
  await models.caseTimeline.deleteOne({ caseId, seq: written.entry.seq });
  await models.cases.updateOne({ caseId }, { $set: { version: written.entry.seq - 1 } });
  return written.entry;
}

describe('grouped timeline inserts', () => {
  it('answer each entry of one insert on its own: stored, taken by another writer, or already stored by an earlier try', async () => {
    const [a, b, c] = await Promise.all([1, 2, 3].map((i) => openCase(models, school, makeCaseInput({ summary: `Grouped ${i}` }), new Date())));
    const free = await nextNote(a!.caseId, 'free seq');
    const rival = await nextNote(b!.caseId, 'the rival');
    const mine = await nextNote(b!.caseId, 'mine');
    const again = await nextNote(c!.caseId, 'stored before a busy answer');
    await models.caseTimeline.create(rival);
    await models.caseTimeline.create(again);
    const results = await Promise.all([free, mine, again].map((e) => models.caseBatches.appendEntry(models, e)));
    expect(results).toEqual(['stored', 'taken', 'stored']);
    expect(await models.caseTimeline.countDocuments({ caseId: c!.caseId })).toBe(2);
    expect((await models.caseTimeline.findOne({ caseId: b!.caseId, seq: 2 }).lean())?.note).toBe('the rival');
  });

  it('concurrent notes on one case through the grouped path: each once, the chain verifies', async () => {
    const opened = await openCase(models, school, makeCaseInput({ summary: 'Many notes' }), new Date());
    const results = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => applyCommand(models, school.id, opened.caseId, RUTH, { kind: 'note', text: `Note ${i}` }, () => new Date())));
    expect(results.every((r) => r.ok)).toBe(true);
    const loaded = await loadCase(models, school.id, opened.caseId);
    expect(loaded?.timeline.map((e) => e.note).slice(1).sort()).toEqual(['Note 0', 'Note 1', 'Note 2', 'Note 3', 'Note 4', 'Note 5']);
    expect((await verifyCases(models, school.id)).issues.filter((i) => i.caseId === opened.caseId)).toEqual([]);
  });

  it('an access-log line the log would not accept fails the caller: it is never dropped quietly', async () => {
    const line = { schoolId: school.id, caseId: null, who: 'r.okafor@northgate.example', what: 'case.view', at: new Date() };
    // The first line is written at once; the two after it wait for that write and go together.
    const [, bad, good] = await Promise.allSettled([
      models.caseBatches.logAccess(models, { ...line, kind: 'view' }),
      models.caseBatches.logAccess(models, { ...line, kind: 'peeked' as 'view' }),
      models.caseBatches.logAccess(models, { ...line, kind: 'view', what: 'grouped with a bad line' }),
    ]);
    expect(bad.status).toBe('rejected');
    // A line grouped with it is stored; its caller hears of the failure too (safe: it never answers unlogged).
    expect(good.status).toBe('rejected');
    expect(await models.caseAccessLog.countDocuments({ what: 'grouped with a bad line' })).toBe(1);
    expect(await models.caseAccessLog.countDocuments({ kind: 'peeked' as 'view' })).toBe(0);
  });
});
