import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCommand } from '../../src/cases/act.js';
import { openCase } from '../../src/cases/open.js';
import { verifyCases } from '../../src/cases/verify.js';
import { readWhen } from '../../src/cases/when-known.js';
import { runCli } from '../../src/cli/main.js';
import { connectDatabase } from '../../src/db/connect.js';
import type { Person } from '../../src/directory/person.js';
import { readDirectorySource, syncDirectory } from '../../src/directory/sync.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { testMongoUri } from '../support/db.js';
import { ALEX, demoSchool, fakeClock, makeCaseInput, RUTH } from './fixtures.js';

const school = demoSchool();
const uri = `${testMongoUri()}chron_${randomUUID().slice(0, 8)}`;
let conn: Connection;
let models: Models;
const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-chron-'));
let number = '';
let caseId = '';

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env: { MONGODB_URI: uri, LOG_LEVEL: 'silent' }, cwd: dir });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  conn = await connectDatabase(uri);
  models = createModels(conn);
  await ensureIndexes(models);
  await syncDirectory(models.people, school.id, await readDirectorySource(school));
  // A concern about something on 9 March, time not known, then what the DSL did about it.
  const clock = fakeClock(new Date('2026-03-10T09:00:00Z'));
  const happened = readWhen('2026-03-09', '', school.timezone);
  ({ caseId, number } = await openCase(models, school, makeCaseInput({
    source: 'concern', reporter: ALEX, by: ALEX, subjects: ['pupil-002'], summary: 'A pupil said an adult online asked her to keep a secret.',
    childWords: 'He said not to tell my mum.', happenedAt: happened?.at ?? null, happenedTimeUnknown: happened?.timeUnknown ?? false,
  }), clock()));
  const step = async (command: Parameters<typeof applyCommand>[4]) => expect((await applyCommand(models, school.id, caseId, RUTH, command, clock)).ok).toBe(true);
  await step({ kind: 'acknowledge' });
  await step({ kind: 'action', what: 'Spoke to the pupil with her mother.', informed: 'parent — mother; class teacher', when: readWhen('2026-03-10', '08:45', school.timezone) ?? null });
  await step({ kind: 'escalate', agency: 'social-care', reference: 'MASH-4471', madeOn: '2026-03-10' });
  await step({ kind: 'close', outcomeCategory: 'social-care', outcome: 'Accepted by the MASH for assessment.' });
});
afterAll(async () => {
  await conn.dropDatabase();
  await conn.close();
});

describe("a pupil's chronology (CSV) and the incident log", () => {
  it('carry referrals with agency and reference, and actions with who was informed', async () => {
    const chronology = await cli('cases', 'export', '--chronology', 'pupil-002', '--as', RUTH.email);
    expect(chronology.code).toBe(0);
    expect(chronology.out).toContain("Referral: Children's social care, reference MASH-4471 (made Tue, 10 Mar 2026)");
    expect(chronology.out).toContain('Action taken: Spoke to the pupil with her mother. — informed: parent — mother; class teacher');
    expect(chronology.out).toContain("Outcome category: None → Referral to children's social care");
    const log = await cli('cases', 'export', '--log', '--as', RUTH.email);
    expect(log.out).toContain('Action: Spoke to the pupil with her mother. — informed: parent — mother; class teacher (Tue, 10 Mar 2026, 08:45)');
    expect(log.out).toContain("Outcome: Referral to children's social care — Accepted by the MASH for assessment.");
  });
});

describe('lantern cases export --case N --html (the printable chronology)', () => {
  it('writes a confidential page with the school, case, pupil, who printed it and one row per event, and logs it', async () => {
    const pupil = await models.people.findOne({ schoolId: school.id, personId: 'pupil-002' }).lean<Person>();
    const res = await cli('cases', 'export', '--case', number.toLowerCase(), '--html', '--as', RUTH.email, '--out', 'chronology.html');
    expect(res).toMatchObject({ code: 0, err: expect.stringContaining('recorded in the access log') });
    const page = readFileSync(path.join(dir, 'chronology.html'), 'utf8');
    expect(page).toContain('Confidential — child protection');
    expect(page).toContain(`<dt>School</dt><dd>${school.name}</dd>`);
    expect(page).toContain(`<dt>Case</dt><dd>${number}</dd>`);
    expect(page).toContain(`<dt>Pupil</dt><dd>${pupil?.displayName} (${pupil?.form})`);
    expect(page).toMatch(/<dt>Printed by<\/dt><dd>Ruth Okafor, \w{3}, \d+ \w{3} 20\d\d, \d\d:\d\d<\/dd>/);
    expect(page).toContain('@media print');
    expect(page).toContain('thead{display:table-header-group}');
    const rows = [...page.matchAll(/<tr><td class="when">(.*?)<\/td><td class="when">(.*?)<\/td><td>([\s\S]*?)<\/td><td>(.*?)<\/td><td>(.*?)<\/td><td>(.*?)<\/td><\/tr>/g)].map((m) => m.slice(1));
    expect(rows[0]).toEqual(['Mon, 9 Mar 2026', 'time not known', 'Concern: A pupil said an adult online asked her to keep a secret.\nIn the child&#39;s words: &quot;He said not to tell my mum.&quot;\nWhere: Kestrels classroom', 'Reported by Alex Wilber', '', '']);
    expect(rows).toContainEqual(['Tue, 10 Mar 2026', '08:45', 'Action taken', 'Ruth Okafor', 'Spoke to the pupil with her mother. — informed: parent — mother; class teacher', '']);
    expect(rows).toContainEqual(['Tue, 10 Mar 2026', 'time not known', 'Referral made', 'Ruth Okafor', '', 'Children&#39;s social care, reference MASH-4471 (made Tue, 10 Mar 2026)']);
    expect(rows.at(-1)?.[2]).toBe('Case closed. Outcome: Referral to children&#39;s social care — Accepted by the MASH for assessment.');
    expect(page).not.toContain('12:00');
    expect(await models.caseAccessLog.countDocuments({ caseId, kind: 'export', who: RUTH.email, what: 'printable chronology (cli)' })).toBe(1);
  });

  it('is for the DSL team only, names a case it cannot find, and needs --html', async () => {
    expect(await cli('cases', 'export', '--case', number, '--html', '--as', ALEX.email)).toMatchObject({ code: 2, err: expect.stringContaining("not on Northgate Primary's DSL team") });
    expect(await cli('cases', 'export', '--case', 'NGP-2099-0001', '--html', '--as', RUTH.email)).toMatchObject({ code: 2, err: expect.stringContaining('No case NGP-2099-0001') });
    expect(await cli('cases', 'export', '--case', number, '--as', RUTH.email)).toMatchObject({ code: 2, err: expect.stringContaining('--html') });
    expect(await models.caseAccessLog.countDocuments({ caseId, kind: 'export', what: 'printable chronology (cli)' })).toBe(1);
  });
});

describe('cases stored by an earlier release', () => {
  it('verify clean and show as before, though their documents lack the new fields', async () => {
    const old = await openCase(models, school, makeCaseInput({ summary: 'An older concern.', happenedAt: new Date('2026-01-05T12:00:00Z') }), new Date('2026-01-05T13:00:00Z'));
    await models.cases.collection.updateOne({ caseId: old.caseId }, { $unset: { happenedTimeUnknown: '', childWords: '', outcomeCategory: '', actionsTaken: '' } });
    expect((await verifyCases(models, school.id)).issues).toEqual([]);
    const res = await cli('cases', 'export', '--case', old.number, '--html', '--as', RUTH.email);
    // An old record's time stays as it was recorded.
    expect(res.out).toContain('<td class="when">Mon, 5 Jan 2026</td><td class="when">12:00</td>');
  });
});
