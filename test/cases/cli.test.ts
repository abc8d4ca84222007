import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCommand } from '../../src/cases/act.js';
import { openCase } from '../../src/cases/open.js';
import { runCli } from '../../src/cli/main.js';
import { connectDatabase } from '../../src/db/connect.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { readDirectorySource, syncDirectory } from '../../src/directory/sync.js';
import { testMongoUri } from '../support/db.js';
import { demoSchool, fakeClock, makeCaseInput, RUTH } from './fixtures.js';
import { openIntegrityKey } from '../../src/integrity/key.js';

/** The key the commands and the test's own writes share, as the server and the CLI do. */
const INTEGRITY_HEX = 'c0'.repeat(32);

const school = demoSchool();
const uri = `${testMongoUri()}casescli_${randomUUID().slice(0, 8)}`;
let conn: Connection;
let models: Models;
const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-cases-'));

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env: { MONGODB_URI: uri, LOG_LEVEL: 'silent', LANTERN_INTEGRITY_KEY: INTEGRITY_HEX }, cwd: dir });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  conn = await connectDatabase(uri);
  models = createModels(conn, openIntegrityKey({ key: INTEGRITY_HEX, keyFile: null, generate: false }));
  await ensureIndexes(models);
  await syncDirectory(models.people, school.id, await readDirectorySource(school));
});
afterAll(async () => {
  await conn.dropDatabase();
  await conn.close();
});

describe('lantern cases …', () => {
  let caseId = '';
  let number = '';

  it('verify passes an intact record and reports an edit with its position (exit 1)', async () => {
    const clock = fakeClock();
    ({ caseId, number } = await openCase(models, school, makeCaseInput({ summary: '=HYPERLINK("http://x") said something unkind', subjects: ['pupil-001', 'pupil-002'] }), clock()));
    await applyCommand(models, school.id, caseId, RUTH, { kind: 'acknowledge' }, clock);
    await applyCommand(models, school.id, caseId, RUTH, { kind: 'escalate', agency: 'social-care', reference: 'MASH-991' }, clock);
    expect(await cli('cases', 'verify')).toMatchObject({ code: 0, out: expect.stringContaining('every timeline is intact') });
    await models.caseTimeline.updateOne({ caseId, seq: 2 }, { $set: { 'by.name': 'Someone Else' } });
    const bad = await cli('cases', 'verify', '--school', 'northgate');
    expect(bad.code).toBe(1);
    expect(bad.out).toContain(`${number} entry 2: edited`);
    await models.caseTimeline.updateOne({ caseId, seq: 2 }, { $set: { 'by.name': 'Ruth Okafor' } });
    expect((await cli('cases', 'verify')).code).toBe(0);
  });

  it('exports the incident log as CSV for the DSL team only, and logs the export', async () => {
    expect(await cli('cases', 'export', '--log', '--as', 'a.wilber@northgate.example')).toMatchObject({ code: 2, err: expect.stringContaining("not on Northgate Primary's DSL team") });
    const res = await cli('cases', 'export', '--log', '--as', 'r.okafor@northgate.example', '--out', 'log.csv');
    expect(res.code).toBe(0);
    const csv = readFileSync(path.join(dir, 'log.csv'), 'utf8');
    expect(csv.split('\r\n')[0]).toBe('"Case","Date","Where","What happened","Action taken","Recorded by","Category","Severity","Status"');
    expect(csv).toContain(`"${number}"`);
    expect(csv).toContain('"\'=HYPERLINK(""http://x"") said something unkind"');
    expect(csv).toContain("Referred to Children's social care, reference MASH-991 (made ");
    expect(csv).toContain('"Alex Wilber"');
    expect(await models.caseAccessLog.countDocuments({ kind: 'export', who: 'r.okafor@northgate.example' })).toBe(1);
  });

  it('counts the --to day in: a case opened that day is in a log ending on it', async () => {
    const res = await cli('cases', 'export', '--log', '--as', 'r.okafor@northgate.example', '--from', '2026-03-10', '--to', '2026-03-10');
    expect(res.code).toBe(0);
    expect(res.out).toContain(`"${number}"`);
    const before = await cli('cases', 'export', '--log', '--as', 'r.okafor@northgate.example', '--to', '2026-03-09');
    expect(before.out).not.toContain(`"${number}"`);
  });

  it("exports one pupil's chronology", async () => {
    const res = await cli('cases', 'export', '--chronology', 'pupil-002', '--as', 'm.hughes@northgate.example');
    expect(res.code).toBe(0);
    expect(res.out.split('\r\n')[0]).toBe('"Date","Case","Event","By","Detail"');
    expect(res.out).toContain('"acknowledged","Ruth Okafor"');
    expect((await cli('cases', 'export', '--chronology', 'pupil-999', '--as', 'm.hughes@northgate.example')).code).toBe(2);
    expect((await cli('cases', 'export', '--as', 'm.hughes@northgate.example')).code).toBe(2);
  });

  it('keeps a closed case on legal hold past its retention date and deletes the others, leaving a tombstone', async () => {
    // Opened in 1995: 25 years' retention (no date of birth known) ended in 2020.
    const clock = fakeClock(new Date('1995-01-01T09:00:00Z'));
    const kept = await openCase(models, school, makeCaseInput(), clock());
    const gone = await openCase(models, school, makeCaseInput(), clock());
    for (const c of [kept, gone]) await applyCommand(models, school.id, c.caseId, RUTH, { kind: 'close', outcomeCategory: 'no-further-action', outcome: 'Resolved.' }, clock);
    expect(await cli('cases', 'hold', kept.number, '--on', '--reason', 'Civil claim expected', '--as', 'r.okafor@northgate.example')).toMatchObject({ code: 0 });
    expect((await cli('cases', 'hold', kept.number, '--on', '--reason', 'again', '--as', 'r.okafor@northgate.example')).code).toBe(1);
    const dry = await cli('cases', 'retention');
    expect(dry.out).toContain(`${gone.number}: would be deleted`);
    expect(dry.out).toContain(`${kept.number}: on legal hold — kept`);
    expect(await models.cases.countDocuments({ caseId: gone.caseId })).toBe(1);
    expect(await cli('cases', 'retention', '--apply')).toMatchObject({ code: 0, out: '1 case(s) deleted; 1 kept on legal hold.' });
    expect(await models.cases.countDocuments({ caseId: gone.caseId })).toBe(0);
    expect(await models.caseTimeline.countDocuments({ caseId: gone.caseId })).toBe(0);
    expect((await models.caseNumbers.findOne({ caseId: gone.caseId }).lean())?.deletedAt).toBeTruthy();
    expect(await models.cases.countDocuments({ caseId: kept.caseId })).toBe(1);
    // The record after both is still intact (the hold is a timeline entry).
    expect((await cli('cases', 'verify')).code).toBe(0);
  });
});
