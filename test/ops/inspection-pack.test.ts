import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarOf } from '../../src/agreements/academic-year.js';
import { recordSignature } from '../../src/agreements/evidence.js';
import { createKioskLink, newKioskFormId, signAtKiosk } from '../../src/agreements/kiosk-links.js';
import { loadPolicyLibrary } from '../../src/agreements/library.js';
import { publishVersion } from '../../src/agreements/versions.js';
import { runCli } from '../../src/cli/main.js';
import { loadConfig, type School } from '../../src/config/load.js';
import { connectDatabase } from '../../src/db/connect.js';
import { demoDirectory } from '../../src/directory/demo-directory.js';
import { syncDirectory } from '../../src/directory/sync.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { testMongoUri } from '../support/db.js';

const dbName = `insp_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
const SCHOOL = 'northgate';
let conn: Connection;
let models: Models;
const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-inspection-'));
const today = new Date().toISOString().slice(0, 10);
const DAY = 86_400_000;

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
  await syncDirectory(models.people, SCHOOL, demoDirectory());
  for (const template of loadPolicyLibrary()) await publishVersion(models, template, { schoolId: SCHOOL, by: 'test' });
  const due = new Date(Date.now() + 14 * DAY).toISOString().slice(0, 10);
  expect((await cli('agreements', 'issue', 'staff-aua', '--due', due, '--by', 'Ruth Okafor')).code).toBe(0);
  expect((await cli('agreements', 'issue', 'class-rules-eyfs-ks1', '--due', due, '--by', 'Ruth Okafor')).code).toBe(0);
  const school = loadConfig({ env: {}, cwd: os.tmpdir() }).schools[0] as School;
  const wilber = await models.people.findOne({ schoolId: SCHOOL, email: 'a.wilber@northgate.example' }).lean();
  const staff = await models.agreementVersions.findOne({ schoolId: SCHOOL, policyId: 'staff-aua' }).lean();
  await recordSignature(models, { schoolId: SCHOOL, versionId: String(staff?._id), signerId: String(wilber?.personId), channel: 'teams' }, calendarOf(school));
  const rules = await models.agreementVersions.findOne({ schoolId: SCHOOL, policyId: 'class-rules-eyfs-ks1' }).lean();
  const pupil = await models.people.findOne({ schoolId: SCHOOL, role: 'pupil', yearGroup: '1' }).lean();
  await recordSignature(models, { schoolId: SCHOOL, versionId: String(rules?._id), signerId: String(wilber?.personId), onBehalfOfId: String(pupil?.personId), channel: 'teams-proxy' }, calendarOf(school));
  const kiosk = await createKioskLink(models, { schoolId: SCHOOL, policyId: 'visitor-aua', createdBy: 'Ruth Okafor' }, new Date());
  const visit = { token: kiosk.token, shownVersionId: kiosk.version._id, formId: newKioskFormId(), name: 'Pat Visitor', organisation: 'Fixit Ltd', client: { ip: '127.0.0.1', userAgent: 'test' } };
  expect((await signAtKiosk(models, visit, calendarOf(school), () => new Date())).ok).toBe(true);
  expect((await cli('training', 'add', '--person', 'a.wilber@northgate.example', '--kind', 'online-safety', '--date', today, '--provider', 'Northshire partnership', '--by', 'Ruth Okafor')).code).toBe(0);
  expect((await cli('fnm', 'check', '--tested', 'Gambling site', '--result', 'pass', '--by', 'Sam Patel')).code).toBe(0);
}, 120_000);

afterAll(async () => {
  await conn.dropDatabase();
  await conn.close();
});

describe('lantern inspection pack', () => {
  it('writes the registers, records and integrity heads as HTML and CSV, naming adults and counting pupils', { timeout: 60_000 }, async () => {
    const r = await cli('inspection', 'pack', '--from', today, '--to', today, '--out', 'pack');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const out = path.join(dir, 'pack');
    expect(readdirSync(out).sort()).toEqual(
      ['consents.csv', 'filter-checks.csv', 'filtering-reviews.csv', 'heads.json', 'incidents.csv', 'index.html', 'register-adults.csv', 'register-classes.csv', 'register-visitors.csv', 'rule-changes.csv', 'training.csv'],
    );
    const read = (f: string) => readFileSync(path.join(out, f), 'utf8');
    const adults = read('register-adults.csv').split('\r\n');
    expect(adults[0]).toBe('"policy","title","version","person id","name","role","status","signed on","how signed"');
    expect(adults.find((l) => l.includes('Alex Wilber'))).toMatch(new RegExp(`"signed","${today}","teams"$`));
    // Cards were queued but never delivered (no Teams here), so everyone else has not received it yet.
    expect(adults.filter((l) => l.includes('"never received"')).length).toBeGreaterThan(3);
    const visitors = read('register-visitors.csv').split('\r\n');
    expect(visitors[0]).toBe('"policy","title","version","name","organisation","signed on","how signed"');
    expect(visitors[1]).toBe(`"visitor-aua","Visitor acceptable use agreement","1","Pat Visitor","Fixit Ltd","${today}","kiosk"`);
    const classes = read('register-classes.csv');
    expect(classes).toMatch(/"class-rules-eyfs-ks1","[^"]+","[^"]+","1","\d+","0"/);
    expect(read('training.csv')).toContain('"Alex Wilber","Online-safety refresher"');
    expect(read('filter-checks.csv')).toContain('"Gambling site","pass","Sam Patel"');
    const html = read('index.html');
    expect(html).toContain('@media print');
    expect(html).toContain('Online-safety records: Northgate Primary');
    // No pupil is named anywhere in the pack.
    const pupils = await models.people.find({ schoolId: SCHOOL, role: 'pupil' }).lean();
    const everything = readdirSync(out).map(read).join('\n');
    expect(pupils.filter((p) => everything.includes(p.displayName)).map((p) => p.displayName)).toEqual([]);
    const heads = JSON.parse(read('heads.json')) as { heads: string[] };
    expect(heads.heads.map((h) => h.split('/')[1])).toEqual(['cases', 'signatures', 'monitoring', 'consents']);
    expect(heads.heads[1]).toMatch(/^northgate\/signatures\/[^/]+\/3\//);
    expect(html).toContain(heads.heads[1]);
    const verify = await cli('integrity', 'verify', '--heads', path.join('pack', 'heads.json'));
    // The records here were written by the test without the integrity key, so only the heads are compared.
    expect(verify.out).toContain('Heads file pack/heads.json: signed with this key; 4 head(s).');
    expect(verify.out.split('\n').filter((l) => /^✓ head northgate .* matches$/.test(l))).toHaveLength(4);
  });

  it('refuses a range that ends before it starts, with the usage', async () => {
    const r = await cli('inspection', 'pack', '--from', '2026-09-10', '--to', '2026-09-01', '--out', 'x');
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('--to must be on or after --from');
  });
});
