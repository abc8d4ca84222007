import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCommand } from '../../src/cases/act.js';
import { openCase } from '../../src/cases/open.js';
import { loadCase } from '../../src/cases/store.js';
import { verifyCases } from '../../src/cases/verify.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';
import { demoSchool, fakeClock, makeCaseInput, MARK, RUTH } from './fixtures.js';

let conn: Connection;
let models: Models;
const school = demoSchool();

beforeAll(async () => {
  conn = await connectTestDatabase('cases');
  models = createModels(conn);
  await ensureIndexes(models);
});
afterAll(async () => dropTestDatabase(conn));

describe('case record', () => {
  it('opens with a per-school, per-year number and a timeline that rebuilds the case', async () => {
    const clock = fakeClock(new Date('2031-05-01T10:00:00Z'));
    const a = await openCase(models, school, makeCaseInput(), clock());
    const b = await openCase(models, school, makeCaseInput(), clock());
    expect(a.number).toBe('NGP-2031-0001');
    expect(b.number).toBe('NGP-2031-0002');
    // New Year in London: 00:30 on 1 January local is still 2031 in UTC, but the number is 2032's.
    const c = await openCase(models, school, makeCaseInput(), new Date('2031-12-31T23:30:00Z'));
    expect(c.number).toBe('NGP-2031-0003');
    const d = await openCase(models, { ...school, timezone: 'Asia/Tokyo' }, makeCaseInput(), new Date('2031-12-31T23:30:00Z'));
    expect(d.number).toBe('NGP-2032-0001');
  });

  it('never gives two cases one number under concurrency', async () => {
    const clock = fakeClock(new Date('2033-02-01T10:00:00Z'));
    const opened = await Promise.all(Array.from({ length: 25 }, () => openCase(models, school, makeCaseInput(), clock())));
    const numbers = opened.map((o) => o.number);
    expect(new Set(numbers).size).toBe(25);
    expect(numbers.sort()).toEqual(Array.from({ length: 25 }, (_, i) => `NGP-2033-${String(i + 1).padStart(4, '0')}`));
  });

  it('follows the state machine: acknowledge, assign, escalate, close, reopen', async () => {
    const clock = fakeClock();
    const { caseId } = await openCase(models, school, makeCaseInput(), clock());
    const ack = await applyCommand(models, school.id, caseId, RUTH, { kind: 'acknowledge' }, clock);
    expect(ack.ok && ack.loaded.state.status).toBe('acknowledged');
    expect(ack.ok && ack.loaded.state.assignee).toEqual(RUTH);
    const again = await applyCommand(models, school.id, caseId, MARK, { kind: 'acknowledge' }, clock);
    expect(again).toMatchObject({ ok: false, reason: 'Ruth Okafor has already acknowledged this case.' });
    const assigned = await applyCommand(models, school.id, caseId, RUTH, { kind: 'assign', to: MARK }, clock);
    expect(assigned.ok && assigned.loaded.state).toMatchObject({ status: 'investigating', assignee: MARK });
    const esc = await applyCommand(models, school.id, caseId, MARK, { kind: 'escalate', agency: 'lado', reference: 'LADO/2026/17' }, clock);
    expect(esc.ok && esc.loaded.state.status).toBe('escalated');
    expect(esc.ok && esc.loaded.state.referrals[0]).toMatchObject({ agency: 'lado', reference: 'LADO/2026/17' });
    expect((await applyCommand(models, school.id, caseId, MARK, { kind: 'close', outcomeCategory: 'no-further-action', outcome: '  ' }, clock)).ok).toBe(false);
    const closed = await applyCommand(models, school.id, caseId, MARK, { kind: 'close', outcomeCategory: 'no-further-action', outcome: 'Parents informed; e-safety session held.' }, clock);
    expect(closed.ok && closed.loaded.state).toMatchObject({ status: 'closed', outcome: 'Parents informed; e-safety session held.' });
    expect(await applyCommand(models, school.id, caseId, MARK, { kind: 'acknowledge' }, clock)).toMatchObject({ ok: false });
    expect(await applyCommand(models, school.id, caseId, MARK, { kind: 'assign', to: RUTH }, clock)).toMatchObject({ ok: false, reason: 'This case is closed. Reopen it first.' });
    const reopened = await applyCommand(models, school.id, caseId, RUTH, { kind: 'reopen', reason: 'New information from a parent.' }, clock);
    expect(reopened.ok && reopened.loaded.state).toMatchObject({ status: 'investigating', outcome: null });
    const loaded = await loadCase(models, school.id, caseId);
    expect(loaded?.timeline.map((e) => e.action)).toEqual(['opened', 'acknowledged', 'assigned', 'escalated', 'closed', 'reopened']);
    expect(loaded?.timeline[1]).toMatchObject({ before: { status: 'new' }, after: { status: 'acknowledged' } });
  });

  it('refuses oversized notes and keeps script in a note as plain text', async () => {
    const clock = fakeClock();
    const { caseId } = await openCase(models, school, makeCaseInput(), clock());
    const big = await applyCommand(models, school.id, caseId, RUTH, { kind: 'note', text: 'x'.repeat(4001) }, clock);
    expect(big).toMatchObject({ ok: false });
    const script = '<script>alert(1)</script> spoke to parent';
    const noted = await applyCommand(models, school.id, caseId, RUTH, { kind: 'note', text: script }, clock);
    expect(noted.ok && noted.entry.note).toBe(script);
    expect((await loadCase(models, school.id, caseId))?.timeline).toHaveLength(2);
  });

  it('lets exactly one of two simultaneous acknowledgements win; notes written at once all survive', async () => {
    const clock = fakeClock();
    const { caseId } = await openCase(models, school, makeCaseInput(), clock());
    const [r, m] = await Promise.all([
      applyCommand(models, school.id, caseId, RUTH, { kind: 'acknowledge' }, clock),
      applyCommand(models, school.id, caseId, MARK, { kind: 'acknowledge' }, clock),
    ]);
    expect([r.ok, m.ok].filter(Boolean)).toHaveLength(1);
    const loser = r.ok ? m : r;
    expect(loser.ok === false && loser.reason).toMatch(/has already acknowledged this case/);
    const notes = await Promise.all(Array.from({ length: 6 }, (_, i) => applyCommand(models, school.id, caseId, i % 2 ? RUTH : MARK, { kind: 'note', text: `note ${i}` }, clock)));
    expect(notes.every((n) => n.ok)).toBe(true);
    const loaded = await loadCase(models, school.id, caseId);
    expect(loaded?.timeline.filter((e) => e.action === 'acknowledged')).toHaveLength(1);
    expect(loaded?.timeline.filter((e) => e.action === 'note').map((e) => e.note).sort()).toEqual(['note 0', 'note 1', 'note 2', 'note 3', 'note 4', 'note 5']);
    expect(loaded?.timeline.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('does not find a case of another school', async () => {
    const { caseId } = await openCase(models, school, makeCaseInput(), new Date());
    expect(await loadCase(models, 'other-school', caseId)).toBeUndefined();
    expect(await applyCommand(models, 'other-school', caseId, RUTH, { kind: 'acknowledge' }, () => new Date())).toMatchObject({ ok: false });
  });
});

describe('lantern cases verify', () => {
  async function freshCase() {
    const clock = fakeClock();
    const { caseId, number } = await openCase(models, { ...school, id: `v-${Math.random().toString(36).slice(2, 8)}` }, makeCaseInput(), clock());
    const schoolId = (await models.cases.findOne({ caseId }).lean())?.schoolId as string;
    for (const text of ['first', 'second', 'third']) await applyCommand(models, schoolId, caseId, RUTH, { kind: 'note', text }, clock);
    return { caseId, number, schoolId };
  }

  it('passes an untouched record', async () => {
    const { schoolId } = await freshCase();
    expect(await verifyCases(models, schoolId)).toMatchObject({ checked: 1, issues: [] });
  });

  it('reports an entry edited directly in the database, with its position', async () => {
    const { caseId, schoolId, number } = await freshCase();
    await models.caseTimeline.updateOne({ caseId, seq: 3 }, { $set: { note: 'something else' } });
    const { issues } = await verifyCases(models, schoolId);
    expect(issues).toEqual([expect.objectContaining({ caseNumber: number, seq: 3, kind: 'edited' })]);
  });

  it('reports a deleted entry in the middle and at the end', async () => {
    const { caseId, schoolId } = await freshCase();
    await models.caseTimeline.deleteOne({ caseId, seq: 2 });
    expect((await verifyCases(models, schoolId)).issues).toEqual([expect.objectContaining({ seq: 2, kind: 'missing' })]);
    const other = await freshCase();
    await models.caseTimeline.deleteOne({ caseId: other.caseId, seq: 4 });
    expect((await verifyCases(models, other.schoolId)).issues).toEqual([expect.objectContaining({ seq: 4, kind: 'truncated' })]);
  });

  it('reports an entry inserted with a valid hash of its own', async () => {
    const { caseId, schoolId } = await freshCase();
    const { hashEntry } = await import('../../src/cases/chain.js');
    const fourth = await models.caseTimeline.findOne({ caseId, seq: 4 }).lean();
    await models.caseTimeline.deleteOne({ caseId, seq: 4 });
    const forged = { ...fourth, note: 'forged', prevHash: 'f'.repeat(64) } as Record<string, unknown>;
    delete forged._id;
    forged.hash = hashEntry(forged as never);
    await models.caseTimeline.create(forged);
    expect((await verifyCases(models, schoolId)).issues).toEqual([expect.objectContaining({ seq: 4, kind: 'inserted' })]);
  });

  it('reports a case document changed directly and rebuilds it from the timeline on load', async () => {
    const { caseId, schoolId } = await freshCase();
    await models.cases.updateOne({ caseId }, { $set: { status: 'closed' } });
    expect((await verifyCases(models, schoolId)).issues).toEqual([expect.objectContaining({ kind: 'cache-differs', message: expect.stringContaining('status') })]);
    // A stale cache (version behind the timeline) is rebuilt on the next load.
    await models.cases.updateOne({ caseId }, { $set: { version: 2 } });
    const loaded = await loadCase(models, schoolId, caseId);
    expect(loaded?.doc.status).toBe('new');
    expect((await models.cases.findOne({ caseId }).lean())).toMatchObject({ status: 'new', version: 4 });
  });
});
