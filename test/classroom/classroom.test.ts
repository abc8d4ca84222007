import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { findTemplate, loadPolicyLibrary } from '../../src/agreements/library.js';
import { publishVersion } from '../../src/agreements/versions.js';
import { recordSignature } from '../../src/agreements/evidence.js';
import { runCli } from '../../src/cli/main.js';
import { demoFileConfig } from '../../src/config/demo.js';
import { loadConfig } from '../../src/config/load.js';
import type { AgreementVersion } from '../../src/agreements/version-model.js';
import { storedClassroomStatus } from '../../src/google/classroom/status.js';
import { statusCard } from '../../src/teams/agreements/status-card.js';
import { classroomJobHandlers } from '../../src/google/classroom/jobs.js';
import { jobHandlers } from '../../src/server/jobs.js';
import { dueInstant } from '../../src/google/classroom/due.js';
import { ClassroomSchema } from '../../src/config/schema.js';
import { createLogger } from '../../src/log/logger.js';
import { connectDatabase } from '../../src/db/connect.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { demoDirectory } from '../../src/directory/demo-directory.js';
import { syncDirectory } from '../../src/directory/sync.js';
import { testMongoUri } from '../support/db.js';
import { startFakeClassroom, type FakeClassroom } from './fake-classroom.js';
import { jobPortsFor } from '../support/teams.js';
import { calendarOf } from '../../src/agreements/academic-year.js';

// The demo school's calendar: 1 September, Europe/London.
const calendar = calendarOf({ timezone: 'Europe/London' });
let fake: FakeClassroom;
let models: Models;
let close: () => Promise<void>;
let env: Record<string, string>;
let versionId: string;
const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-classroom-'));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env, cwd: dir });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyFile = path.join(dir, 'sa.json');
  writeFileSync(keyFile, JSON.stringify({ type: 'service_account', client_email: 'lantern@project.iam.gserviceaccount.com', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }) }));
  fake = await startFakeClassroom(publicKey.export({ type: 'spki', format: 'pem' }).toString());

  const pupils = demoDirectory().filter((p) => p.role === 'pupil');
  const kestrels = pupils.filter((p) => p.form === 'Kestrels');
  const otters = pupils.filter((p) => p.form === 'Otters');
  // Kestrels' roster: all but one pupil of the form, plus a pupil the directory does not know.
  fake.courses.set('111', { students: [...kestrels.slice(1).map((p, i) => ({ userId: `u${i}`, email: p.email ?? '' })), { userId: 'ux', email: 'new.pupil@pupils.northgate.example' }], courseWork: [] });
  fake.courses.set('222', { students: otters.map((p, i) => ({ userId: `o${i}`, email: p.email ?? '' })), courseWork: [] });
  fake.courses.set('333', { students: [], courseWork: [], failWith: 403 });
  fake.courses.set('555', { students: [], courseWork: [], failWith: 429 });

  const config = demoFileConfig();
  const school = config.schools[0] as (typeof config.schools)[number];
  school.classroom = {
    courses: [
      { courseId: '111', form: 'Kestrels', teacher: 'a.wilber@northgate.example' },
      { courseId: '222', form: 'Otters', teacher: 'd.reid@northgate.example' },
      { courseId: '333', form: 'Badgers', teacher: 'f.malik@northgate.example' },
      { courseId: '444', form: 'Falcons', teacher: 'o.price@northgate.example' },
      { courseId: '555', yearGroup: '5', teacher: 'f.malik@northgate.example' },
    ],
    dueInDays: 10,
    dueTime: '16:30',
    apiUrl: fake.url,
  };
  const file = path.join(dir, 'lantern.config.yaml');
  writeFileSync(file, stringify({ ...config, server: { ...config.server, publicUrl: 'https://lantern.northgate.example' }, mail: { google: { tokenUrl: fake.tokenUrl } } }));
  const uri = `${testMongoUri()}cls_${randomUUID().slice(0, 8)}`;
  env = { LANTERN_CONFIG: file, MONGODB_URI: uri, LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE: keyFile, LOG_LEVEL: 'silent' };

  const conn = await connectDatabase(uri);
  models = createModels(conn);
  await ensureIndexes(models);
  await syncDirectory(models.people, 'northgate', demoDirectory());
  versionId = (await publishVersion(models, findTemplate(loadPolicyLibrary(), 'pupil-aua-ks2'), { schoolId: 'northgate', by: 'test' })).version._id;
  close = async () => {
    await conn.dropDatabase().catch(() => undefined);
    await conn.close();
  };
}, 60_000);

afterAll(async () => {
  await close?.();
  await fake?.close();
});

describe('Google Classroom assignments (A4)', () => {
  it('creates one assignment per course as the class teacher, and reports 403, 404 and 429 per course', async () => {
    const first = await cli('classroom', 'post', '--version', versionId);
    expect(first.code).toBe(1);
    expect(first.out).toMatch(/111 \(Kestrels\): assignment created \(cw-\d+\); 0\/10 signed, 10 not yet/);
    expect(first.out).toMatch(/222 \(Otters\): assignment created/);
    expect(first.out).toContain('333 (Badgers): PROBLEM 403 Classroom refused access to course 333 as f.malik@northgate.example');
    expect(first.out).toContain('444 (Falcons): PROBLEM 404 Course 444 no longer exists in Classroom');
    expect(first.out).toContain('555 (Year 5): PROBLEM 429 Classroom is limiting requests for course 555 (retry after 30 s)');
    expect(first.err).toContain('3 of 5 course(s) had a problem');

    const cw = fake.courses.get('111')?.courseWork ?? [];
    expect(cw).toHaveLength(1);
    const posted = cw[0] as Record<string, unknown>;
    expect(posted.workType).toBe('ASSIGNMENT');
    expect(posted.state).toBe('PUBLISHED');
    expect(posted.dueDate).toBeDefined();
    // 16:30 school time (Europe/London): 16:30 UTC in winter, 15:30 UTC in summer — never 16:30 UTC in BST.
    expect([{ hours: 16, minutes: 30 }, { hours: 15, minutes: 30 }]).toContainEqual(posted.dueTime);
    expect(posted.materials).toEqual([{ link: { url: `https://lantern.northgate.example/sign/pupil/northgate/111?version=${encodeURIComponent(versionId)}`, title: 'Pupil acceptable use agreement (Key Stage 2)' } }]);
    // Each course is reached as its own teacher (domain-wide delegation subject).
    expect(new Set(fake.calls.filter((c) => c.path.startsWith('/v1/courses/111')).map((c) => c.subject))).toEqual(new Set(['a.wilber@northgate.example']));
  });

  it('a second run patches the same assignments and never creates another', async () => {
    const creates = () => fake.calls.filter((c) => c.method === 'POST').length;
    const before = creates();
    const second = await cli('classroom', 'post', '--version', versionId);
    expect(second.out).toMatch(/111 \(Kestrels\): assignment updated/);
    expect(creates()).toBe(before);
    expect(fake.courses.get('111')?.courseWork).toHaveLength(1);
    expect(fake.courses.get('222')?.courseWork).toHaveLength(1);
    expect(await models.classroomAssignments.countDocuments()).toBe(2);
  });

  it('adopts an assignment it posted but did not record (a crash between the two) instead of posting twice', async () => {
    await models.classroomAssignments.deleteOne({ courseId: '222' });
    const third = await cli('classroom', 'post', '--version', versionId);
    expect(third.out).toMatch(/222 \(Otters\): assignment adopted/);
    expect(fake.courses.get('222')?.courseWork).toHaveLength(1);
  });

  it('status reconciles the roster with the directory and the signatures', async () => {
    const kestrels = demoDirectory().filter((p) => p.form === 'Kestrels');
    const signer = kestrels[2]?.personId ?? '';
    await recordSignature(models, { schoolId: 'northgate', versionId, signerId: signer, channel: 'classroom' }, calendar);
    const status = await cli('classroom', 'status', '--version', 'pupil-aua-ks2');
    expect(status.out).toContain('111 (Kestrels): 1/10 signed, 9 not yet');
    expect(status.out).not.toContain(`not signed: ${signer}`);
    expect(status.out).toContain('on the Classroom roster but not in this class in the directory: 1');
    expect(status.out).toContain(`in this class in the directory but not on the roster: ${kestrels[0]?.personId}`);
    expect(status.out).not.toContain('@pupils.');
    const roster = await models.classroomRosters.findById('northgate:333').lean();
    expect(roster?.lastError).toContain('refused access');
  });
});

describe('stored Classroom status (for agreements status and the teacher card)', () => {
  it('reads the last roster and problem without calling Classroom', async () => {
    const config = loadConfig({ env, cwd: dir, requireSecrets: false });
    const version = await models.agreementVersions.findById(versionId).lean<AgreementVersion>();
    const calls = fake.calls.length;
    const rows = await storedClassroomStatus(models, config.schools[0] as (typeof config.schools)[number], version as AgreementVersion, 'a.wilber@northgate.example');
    expect(fake.calls.length).toBe(calls);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.reconciliation?.signed).toHaveLength(1);
    expect(rows[0]?.problem).toBeNull();
  });

  it('lantern agreements status shows a Google Classroom block per course, with per-course problems', async () => {
    const calls = fake.calls.length;
    const status = await cli('agreements', 'status');
    expect(status.code).toBe(0);
    expect(fake.calls.length).toBe(calls);
    expect(status.out).toContain('Google Classroom');
    expect(status.out).toContain('111 (Kestrels): 10 should sign, 1 signed, 9 not yet');
    expect(status.out).toMatch(/333 \(Badgers\): \d+ should sign, 0 signed, \d+ not yet; problem at last sync: Classroom refused access/);
    expect(status.out).not.toContain('@pupils.');
  });

  it("the teacher's card shows only their own courses' figures, and no staff names when classroom-only", async () => {
    const config = loadConfig({ env, cwd: dir, requireSecrets: false });
    const school = config.schools[0] as (typeof config.schools)[number];
    const card = JSON.stringify(await statusCard(models, school, new Date(), { teacherEmail: 'a.wilber@northgate.example', classroomOnly: true }));
    expect(card).toContain('Google Classroom: your classes');
    expect(card).toContain('Kestrels: 10 should sign, 1 signed, 9 not yet');
    expect(card).not.toContain('Otters');
    expect(card).not.toContain('Overdue');
    const other = JSON.stringify(await statusCard(models, school, new Date(), { teacherEmail: 'r.okafor@northgate.example' }));
    expect(other).not.toContain('Google Classroom');
  });
});

describe('scheduled Classroom sync (classroom.sync)', () => {
  it('patches the current pupil agreement in each course and re-reads rosters, without posting twice', async () => {
    const config = loadConfig({ env, cwd: dir, requireSecrets: false });
    const deps = { config, models, logger: createLogger({ level: 'silent' }), clock: () => new Date() };
    expect(Object.keys(jobHandlers({ ...deps, ...jobPortsFor(config, models) }))).toContain('classroom.sync');
    const posts = fake.calls.filter((c) => c.method === 'POST').length;
    const patches = fake.calls.filter((c) => c.method === 'PATCH').length;
    const before = (await models.classroomRosters.findById('northgate:111').lean())?.syncedAt;
    const result = await classroomJobHandlers(deps)['classroom.sync']({ id: 'j1', name: 'classroom.sync', key: 'k', schoolId: 'northgate', data: { schoolId: 'northgate' }, attempt: 1 });
    expect(result).toEqual({ versions: 1, courses: 5, problems: 3 });
    expect(fake.calls.filter((c) => c.method === 'POST').length).toBe(posts);
    expect(fake.calls.filter((c) => c.method === 'PATCH').length).toBe(patches + 2);
    expect(fake.courses.get('111')?.courseWork).toHaveLength(1);
    const after = (await models.classroomRosters.findById('northgate:111').lean())?.syncedAt;
    expect(after?.getTime()).toBeGreaterThan(before?.getTime() ?? 0);
  });

  it('skips a school with no courses mapped', async () => {
    const config = loadConfig({ env, cwd: dir, requireSecrets: false });
    const bare = { ...config, schools: config.schools.map((s) => ({ ...s, classroom: undefined })) };
    const result = await classroomJobHandlers({ config: bare, models, logger: createLogger({ level: 'silent' }), clock: () => new Date() })['classroom.sync']({ id: 'j2', name: 'classroom.sync', key: 'k2', schoolId: 'northgate', data: { schoolId: 'northgate' }, attempt: 1 });
    expect(result).toEqual({ skipped: 'no Classroom courses configured' });
  });
});

describe('assignment due time (classroom.dueTime)', () => {
  it('is school time, not UTC, across British Summer Time and a clock change', () => {
    expect(dueInstant(new Date('2026-06-01T10:00:00Z'), 14, '15:00', 'Europe/London').toISOString()).toBe('2026-06-15T14:00:00.000Z');
    expect(dueInstant(new Date('2026-11-23T10:00:00Z'), 14, '15:00', 'Europe/London').toISOString()).toBe('2026-12-07T15:00:00.000Z');
    // Posted in BST, due after the clocks go back: 15:00 GMT.
    expect(dueInstant(new Date('2026-10-20T09:00:00Z'), 14, '15:00', 'Europe/London').toISOString()).toBe('2026-11-03T15:00:00.000Z');
    // Late evening in London is already the next day in Auckland: the day counts on the school's calendar.
    expect(dueInstant(new Date('2026-06-01T20:00:00Z'), 1, '09:30', 'Pacific/Auckland').toISOString()).toBe('2026-06-02T21:30:00.000Z');
  });

  it('defaults to 15:00 and refuses a time that is not HH:MM', () => {
    expect(ClassroomSchema.parse({}).dueTime).toBe('15:00');
    const bad = ClassroomSchema.safeParse({ dueTime: '3pm' });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain('24-hour time like 15:00');
  });
});
