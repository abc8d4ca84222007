import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicyLibrary } from '../../src/agreements/library.js';
import { publishVersion } from '../../src/agreements/versions.js';
import { runCli } from '../../src/cli/main.js';
import { loadConfig, type School } from '../../src/config/load.js';
import { connectDatabase } from '../../src/db/connect.js';
import { readDigestData, renderDigest } from '../../src/digest/assemble.js';
import { parseIsoWeek } from '../../src/digest/week.js';
import { demoDirectory } from '../../src/directory/demo-directory.js';
import { syncDirectory } from '../../src/directory/sync.js';
import { checklistTemplate } from '../../src/records/fnm-checklist.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { testMongoUri } from '../support/db.js';

const dbName = `rec_cli_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
let conn: Connection;
let models: Models;
const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-records-'));
const DAY = 86_400_000;
const day = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env: { MONGODB_URI: `${testMongoUri()}${dbName}`, LOG_LEVEL: 'silent' }, cwd: dir });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  conn = await connectDatabase(testMongoUri(), { dbName });
  models = createModels(conn);
  await ensureIndexes(models);
  await syncDirectory(models.people, 'northgate', demoDirectory());
  for (const template of loadPolicyLibrary()) await publishVersion(models, template, { schoolId: 'northgate', by: 'test', clock: () => new Date() });
});
afterAll(async () => {
  await conn.dropDatabase();
  await conn.close();
});

describe('lantern training', () => {
  it('add --dry-run checks the record and stores nothing', async () => {
    const r = await cli('training', 'add', '--person', 'a.wilber@northgate.example', '--kind', 'online-safety', '--date', day(-10), '--provider', 'Northshire partnership', '--by', 'Ruth Okafor', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Dry run — nothing recorded: would record Online-safety refresher for Alex Wilber');
    expect(await models.trainingRecords.countDocuments()).toBe(0);
  });

  it.each([
    [['--kind', 'fire-drill'], 'must be one of: induction, online-safety, dsl, governor-safeguarding, governor-cyber'],
    [['--date', day(5)], 'is in the future'],
    [['--date', '2026-02-30'], 'is not a real date'],
    [['--person', 'nobody@northgate.example'], 'No one in the directory is "nobody@northgate.example"'],
    [['--kind', 'governor-cyber'], 'Governor cyber security is for a governor; Alex Wilber is not'],
    [['--kind', 'dsl'], 'is for a member of the DSL team'],
    [['--evidence', 'javascript:alert(1)'], 'must start with https://'],
  ])('refuses bad input %j with a message that says what to fix', async (override, message) => {
    const base: Record<string, string> = { '--person': 'a.wilber@northgate.example', '--kind': 'online-safety', '--date': day(-10), '--provider': 'Northshire partnership', '--by': 'Ruth Okafor' };
    for (let i = 0; i < override.length; i += 2) base[override[i] as string] = override[i + 1] as string;
    const r = await cli('training', 'add', ...Object.entries(base).flat());
    expect(r.code).toBe(1);
    expect(r.err).toContain('Error (record_invalid)');
    expect(r.err).toContain(message);
    expect(await models.trainingRecords.countDocuments()).toBe(0);
  });

  it('records training with its expiry, who recorded it and why; list and due show it', async () => {
    const add = (...a: string[]) => cli('training', 'add', '--provider', 'Northshire partnership', '--by', 'Ruth Okafor', ...a);
    expect((await add('--person', 'a.wilber@northgate.example', '--kind', 'online-safety', '--date', day(-350), '--evidence', 'https://sharepoint.example/cert.pdf', '--reason', 'Autumn INSET')).code).toBe(0);
    expect((await add('--person', 'staff-006', '--kind', 'online-safety', '--date', day(-400))).code).toBe(0);
    expect((await add('--person', 'r.okafor@northgate.example', '--kind', 'dsl', '--date', day(-100))).code).toBe(0);
    expect((await add('--person', 'i.siddiqui@northgate.example', '--kind', 'governor-cyber', '--date', day(-30))).code).toBe(0);
    const stored = await models.trainingRecords.findOne({ personId: 'staff-005' }).lean();
    expect(stored).toMatchObject({ kind: 'online-safety', provider: 'Northshire partnership', recordedBy: 'Ruth Okafor', reason: 'Autumn INSET', evidenceUrl: 'https://sharepoint.example/cert.pdf' });
    const expected = new Date(`${day(-350)}T00:00:00Z`);
    expected.setUTCMonth(expected.getUTCMonth() + 12);
    expect(stored?.expiresOn?.toISOString()).toBe(expected.toISOString());

    const list = await cli('training', 'list', '--kind', 'online-safety');
    expect(list.out).toContain('Alex Wilber');
    expect(list.out).toContain('Grace Liu');
    expect(list.out).not.toContain('Ruth Okafor  ');

    const due = await cli('training', 'due');
    expect(due.code).toBe(0);
    expect(due.out).toMatch(/Online-safety refresher\s+1 of 15\s+in date \(1 due soon, 1 expired, 13 not recorded\)/);
    expect(due.out).toContain('Alex Wilber (runs out');
    expect(due.out).toContain('Grace Liu (expired');
    expect(due.out).toContain('Mark Hughes (not recorded)');
    expect(due.out).toContain('a governor is trained and in date');

    const status = await cli('agreements', 'status');
    expect(status.out).toContain('Training records (in date now)');
    expect(status.out).toMatch(/DSL training\s+1 of 2\s+in date/);
  });
});

describe('lantern review', () => {
  it('records a review with no text change, refuses an unknown policy, and moves the digest date on', async () => {
    const args = ['--date', day(-1), '--reviewed-by', 'Ruth Okafor', '--approved-by', "Governors' safeguarding committee", '--by', 'Ruth Okafor'];
    const bad = await cli('review', 'record', '--policy', 'no-such', '--next', day(300), ...args);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('There is no policy "no-such"');
    expect(bad.err).toContain('staff-aua');
    const backwards = await cli('review', 'record', '--policy', 'staff-aua', '--next', day(-5), ...args);
    expect(backwards.err).toContain('The next review date must come after the review date');
    const dry = await cli('review', 'record', '--policy', 'staff-aua', '--next', day(20), ...args, '--dry-run');
    expect(dry.out).toContain('Dry run — nothing recorded');
    expect(await models.policyReviewRecords.countDocuments()).toBe(0);

    // The library's review date is passed; the recorded review sets the next one 20 days ahead.
    await models.agreementVersions.updateMany({ schoolId: 'northgate', policyId: 'staff-aua' }, { $set: { reviewDue: new Date(Date.now() - 10 * DAY) } });
    const school = loadConfig({ env: {} }).schools[0] as School;
    const week = parseIsoWeek('2026-W47');
    const before = await readDigestData(models, school, week, new Date());
    expect(before.policies.state === 'ok' && before.policies.data.overdue.map((p) => p.title)).toContain('Staff acceptable use agreement');

    const ok = await cli('review', 'record', '--policy', 'staff-aua', '--next', day(20), ...args);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('(no change to the text), approved by Governors\' safeguarding committee');
    expect((await cli('review', 'list')).out).toContain('staff-aua');
    const after = await readDigestData(models, school, week, new Date());
    if (after.policies.state !== 'ok') throw new Error('expected policies');
    expect(after.policies.data.overdue.map((p) => p.title)).not.toContain('Staff acceptable use agreement');
    expect(after.policies.data.dueSoon).toEqual([expect.objectContaining({ title: 'Staff acceptable use agreement', daysLeft: 20, lastReviewed: `${day(-1)}T00:00:00.000Z` })]);
    expect(renderDigest(after, 'Europe/London').text).toContain('Reviews due soon');
  });
});

describe('lantern fnm', () => {
  it('records the annual review from the checklist; the digest reads it instead of the config date', async () => {
    const template = await cli('fnm', 'review', '--template');
    expect(template.out).toBe(checklistTemplate().trimEnd());
    const file = path.join(dir, 'checklist.csv');
    writeFileSync(file, 'item,outcome,note\n"Filtering covers guest Wi-Fi",partly,Guest network unfiltered\nAlerts reach the DSL,met,\n');
    writeFileSync(path.join(dir, 'bad.csv'), 'item,outcome,note\nAlerts reach the DSL,maybe,\n');
    const bad = await cli('fnm', 'review', '--date', day(-2), '--participants', 'Helen Carter, Ruth Okafor', '--checklist', 'bad.csv', '--by', 'Ruth Okafor');
    expect(bad.err).toContain('line 2: outcome "maybe" must be one of met, partly, not-met');
    const alone = await cli('fnm', 'review', '--date', day(-2), '--participants', 'Ruth Okafor', '--checklist', 'checklist.csv', '--by', 'Ruth Okafor');
    expect(alone.err).toContain('at least two people');
    const noFile = await cli('fnm', 'review', '--date', day(-2), '--participants', 'A, B', '--by', 'Ruth Okafor');
    expect(noFile.err).toContain('--checklist FILE');

    const review = ['fnm', 'review', '--date', day(-2), '--participants', 'Helen Carter, Ruth Okafor, Sam Whitfield', '--checklist', 'checklist.csv', '--actions', 'Filter guest Wi-Fi; Retest in January', '--by', 'Ruth Okafor'];
    expect((await cli(...review, '--dry-run')).out).toContain('Dry run — nothing recorded');
    expect(await models.fnmReviews.countDocuments()).toBe(0);
    const ok = await cli(...review);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('3 people, 2 checklist points (1 not fully met), 2 actions');
    const school = loadConfig({ env: {} }).schools[0] as School;
    const data = await readDigestData(models, school, parseIsoWeek('2026-W47'), new Date());
    expect(data.annualReview).toMatchObject({ state: 'ok', data: { source: 'recorded', overdue: false, participants: 3, notMet: 1, actions: 2, lastReview: `${day(-2)}T00:00:00.000Z` } });
  });

  it('logs filter checks; the digest flags a missed check and a review older than 12 months', async () => {
    const school = loadConfig({ env: {} }).schools[0] as School;
    const week = parseIsoWeek('2026-W47');
    const none = await readDigestData(models, school, week, new Date());
    expect(none.filterChecks.state).toBe('no-data');
    expect((await cli('fnm', 'check', '--tested', 'Gambling site', '--result', 'maybe', '--by', 'Sam')).err).toContain('The result must be pass or fail');
    expect((await cli('fnm', 'check', '--tested', 'Gambling site', '--result', 'pass', '--by', 'Sam', '--dry-run')).out).toContain('Dry run — nothing recorded');
    expect(await models.filterChecks.countDocuments()).toBe(0);
    const ok = await cli('fnm', 'check', '--tested', 'Gambling site from a pupil laptop', '--result', 'pass', '--by', 'Sam Whitfield');
    expect(ok.out).toContain('Logged a filter check (pass) by Sam Whitfield');
    const fresh = await readDigestData(models, school, week, new Date());
    expect(fresh.filterChecks).toMatchObject({ state: 'ok', data: { missed: false, lastResult: 'pass', everyDays: 31 } });
    // 40 days on, with no new check and the review 13 months old: both are red.
    const later = new Date(Date.now() + 400 * DAY);
    const stale = await readDigestData(models, school, week, later);
    expect(stale.filterChecks).toMatchObject({ state: 'ok', data: { missed: true } });
    expect(stale.annualReview).toMatchObject({ state: 'ok', data: { overdue: true, source: 'recorded' } });
    const text = renderDigest(stale, 'Europe/London').text;
    expect(text).toContain('Missed: no filter check in the last 31 days');
    expect(text).toContain('Overdue: the last review was');
    expect((await cli('fnm', 'status')).out).toContain('Gambling site from a pupil laptop');
  });

  it('the digest shows training records as counts, never names', async () => {
    const school = loadConfig({ env: {} }).schools[0] as School;
    const data = await readDigestData(models, school, parseIsoWeek('2026-W47'), new Date());
    if (data.trainingRecords.state !== 'ok') throw new Error('expected training records');
    expect(data.trainingRecords.data.rows.find((r) => r.label === 'Online-safety refresher')).toEqual({ label: 'Online-safety refresher', required: 15, inDate: 1, dueSoon: 1, expired: 1, missing: 13, atLeastOne: false });
    const { text } = renderDigest(data, 'Europe/London');
    expect(text).toContain('Training records');
    expect(text).not.toContain('Grace Liu');
  });
});
