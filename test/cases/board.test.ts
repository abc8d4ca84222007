import type { Connection } from 'mongoose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyCommand } from '../../src/cases/act.js';
import { readBoard, rebuildBoard } from '../../src/cases/board.js';
import { listOpenCases, listOpenCasesFromCases } from '../../src/cases/list.js';
import { openCase } from '../../src/cases/open.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';
import { demoSchool, fakeClock, makeCaseInput, MARK, RUTH } from './fixtures.js';

let conn: Connection;
let models: Models;
const school = demoSchool();

beforeAll(async () => {
  conn = await connectTestDatabase('case_board');
  models = createModels(conn);
  await ensureIndexes(models);
});
afterAll(async () => dropTestDatabase(conn));
beforeEach(async () => {
  await models.cases.deleteMany({});
  await models.caseBoard.deleteMany({});
  await models.caseTimeline.deleteMany({});
  await models.caseNumbers.deleteMany({});
});

const numbers = (cases: ReadonlyArray<{ number: string }>): string[] => cases.map((c) => c.number);

describe('the open-case board', () => {
  it('lists what the case documents list: newest first, closed cases gone, reopened ones back', async () => {
    const clock = fakeClock(new Date('2026-05-01T09:00:00Z'));
    const opened: Array<{ caseId: string; number: string }> = [];
    for (let i = 0; i < 5; i++) {
      opened.push(await openCase(models, school, makeCaseInput({ severity: i % 2 ? 'high' : 'low' }), clock()));
      clock.advance(60_000);
    }
    await applyCommand(models, school.id, opened[1]!.caseId, RUTH, { kind: 'acknowledge' }, clock);
    await applyCommand(models, school.id, opened[2]!.caseId, RUTH, { kind: 'close', outcomeCategory: 'no-further-action', outcome: 'Advice given to the pupil.' }, clock);
    await applyCommand(models, school.id, opened[3]!.caseId, RUTH, { kind: 'close', outcomeCategory: 'no-further-action', outcome: 'Parents informed.' }, clock);
    await applyCommand(models, school.id, opened[3]!.caseId, MARK, { kind: 'reopen', reason: 'Another message was found.' }, clock);

    const listed = await listOpenCases(models, school.id);
    expect(numbers(listed)).toEqual(numbers(await listOpenCasesFromCases(models, school.id)));
    expect(numbers(listed)).toEqual([opened[4]!.number, opened[3]!.number, opened[1]!.number, opened[0]!.number]);
    expect(listed.find((c) => c.number === opened[1]!.number)).toMatchObject({ status: 'acknowledged', assignee: RUTH });
    expect(listed.find((c) => c.number === opened[3]!.number)).toMatchObject({ status: 'investigating' });
    // One row per open case: each writer removed the row of the version before its own.
    expect(await models.caseBoard.countDocuments({ schoolId: school.id })).toBe(4);
  });

  it('filters and pages over every open case, with the total', async () => {
    const clock = fakeClock(new Date('2026-05-02T09:00:00Z'));
    for (let i = 0; i < 7; i++) {
      await openCase(models, school, makeCaseInput({ severity: i < 3 ? 'high' : 'low' }), clock());
      clock.advance(60_000);
    }
    const high = await readBoard(models, school.id, { severity: 'high' }, { limit: 2 });
    expect(high.total).toBe(3);
    expect(high.cases.map((c) => c.severity)).toEqual(['high', 'high']);
    const second = await readBoard(models, school.id, { severity: 'high' }, { offset: 2, limit: 2 });
    expect(second.cases).toHaveLength(1);
    expect((await readBoard(models, 'another-school')).total).toBe(0);
  });

  it('keeps every open case listed when two people change the same case at once', async () => {
    const clock = fakeClock(new Date('2026-05-03T09:00:00Z'));
    const cases = await Promise.all(Array.from({ length: 6 }, () => openCase(models, school, makeCaseInput(), clock())));
    await Promise.all(
      cases.flatMap((c) => [
        applyCommand(models, school.id, c.caseId, RUTH, { kind: 'note', text: 'Spoke to the class teacher.' }, clock),
        applyCommand(models, school.id, c.caseId, MARK, { kind: 'acknowledge' }, clock),
      ]),
    );
    const listed = await listOpenCases(models, school.id);
    expect(listed).toHaveLength(6);
    for (const c of listed) expect(c.status).toBe('acknowledged');
  });

  it('rebuilds itself after a crash left it behind the case documents', async () => {
    const clock = fakeClock(new Date('2026-05-04T09:00:00Z'));
    const a = await openCase(models, school, makeCaseInput(), clock());
    const b = await openCase(models, school, makeCaseInput(), clock());
    const c = await openCase(models, school, makeCaseInput(), clock());
    await applyCommand(models, school.id, c.caseId, RUTH, { kind: 'close', outcomeCategory: 'no-further-action', outcome: 'No further action.' }, clock);
    // A crash between the case document and its board row; a stray row left for a case closed since.
    await models.caseBoard.deleteMany({ caseId: a.caseId });
    await models.caseBoard.create({ _id: `${c.caseId}:000001`, ...(await models.caseBoard.findOne({ caseId: b.caseId }, { _id: 0 }).lean()), caseId: c.caseId, number: c.number });
    expect(numbers(await listOpenCases(models, school.id))).toEqual(numbers([b, c]).reverse());

    expect(await rebuildBoard(models, school.id)).toEqual({ added: 1, removed: 1 });
    expect(numbers(await listOpenCases(models, school.id)).sort()).toEqual(numbers([a, b]).sort());
    expect(await rebuildBoard(models, school.id)).toEqual({ added: 0, removed: 0 });
  });
});
