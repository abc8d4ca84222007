import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type LanternConfig } from '../../src/config/load.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { runDirectorySync } from '../../src/directory/run-sync.js';
import { ErrorCode } from '../../src/errors.js';
import { createLogger } from '../../src/log/logger.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';
import { WondeStandIn, type StandInStudent } from '../support/wonde-stand-in.js';
import { NORTHGATE_SCHOOL } from '../support/school-yaml.js';

const logger = createLogger({ level: 'silent' });
const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-wonde-'));
const LONG_AGO = new Date('2026-01-05T09:00:00Z');

function student(id: string, forename: string, extra: Partial<StandInStudent> = {}): StandInStudent {
  return { id, forename, surname: 'Pupil', year: '3', registration: '3K', dateOfBirth: '2018-03-14', contacts: [], updatedAt: LONG_AGO, ...extra };
}

function seed(wonde: WondeStandIn): void {
  wonde.students.length = wonde.employees.length = wonde.contacts.length = wonde.classes.length = wonde.deletions.length = 0;
  wonde.contacts.push(
    { id: 'C-MUM', forename: 'Mary', surname: 'Pupil', email: 'Mary.Pupil@home.example', updatedAt: LONG_AGO },
    { id: 'C-GRAN', forename: 'Gran', surname: 'Pupil', email: 'gran@home.example', updatedAt: LONG_AGO },
    { id: 'C-DAD', forename: 'David', surname: 'Other', email: 'david@home.example', updatedAt: LONG_AGO },
  );
  wonde.students.push(
    student('S-AMY', 'Amy', { email: 'amy@pupils.example', contacts: [{ contactId: 'C-MUM', relationship: 'Mother', parentalResponsibility: true, priority: 1 }, { contactId: 'C-GRAN', relationship: 'Grandparent', parentalResponsibility: false, priority: 2 }] }),
    student('S-BEN', 'Ben', { year: 'R', registration: 'RB', dateOfBirth: '2021-01-02', contacts: [{ contactId: 'C-MUM', relationship: 'Mother', parentalResponsibility: true, priority: 1 }] }),
    student('S-CAL', 'Cal', { year: '6', registration: '6W', contacts: [{ contactId: 'C-DAD', relationship: 'Father', parentalResponsibility: true, priority: 1 }] }),
  );
  wonde.employees.push(
    { id: 'E-RUTH', forename: 'Ruth', surname: 'Okafor', email: 'r.okafor@northgate.example', roles: ['Designated Safeguarding Lead', 'Deputy Head'], updatedAt: LONG_AGO },
    { id: 'E-ALEX', forename: 'Alex', surname: 'Wilber', email: 'a.wilber@northgate.example', roles: ['Class Teacher'], updatedAt: LONG_AGO },
    { id: 'E-GONE', forename: 'Old', surname: 'Staff', email: 'old@northgate.example', current: false, updatedAt: LONG_AGO },
  );
  wonde.classes.push({ id: 'K1', name: '3K', teacherIds: ['E-ALEX'] }, { id: 'K2', name: '6W', teacherIds: ['E-ALEX', 'E-RUTH'] });
}

describe('directory sync from Wonde', () => {
  let wonde: WondeStandIn;
  let conn: Connection;
  let models: Models;
  let config: LanternConfig;
  let waits: number[] = [];
  let now = new Date('2026-03-02T02:00:00Z');
  const sync = (options: { dryRun?: boolean; full?: boolean } = {}) =>
    runDirectorySync({ config, models, logger, clock: () => now }, 'northgate', { ...options, retry: { sleep: async (ms: number) => void waits.push(ms) } });
  const person = (personId: string) => models.people.findOne({ schoolId: 'northgate', personId }).lean();

  beforeAll(async () => {
    wonde = await new WondeStandIn().start();
    wonde.approved.add('A1930499544');
    const file = path.join(dir, 'lantern.config.yaml');
    writeFileSync(
      file,
      `schools:
${NORTHGATE_SCHOOL}    directory: { source: wonde, schoolId: A1930499544, apiUrl: "${wonde.url}/v1.0" }
`,
    );
    config = loadConfig({ file, env: { LANTERN_WONDE_TOKEN_NORTHGATE: wonde.token }, cwd: dir });
    conn = await connectTestDatabase('wonde');
    models = createModels(conn);
    await ensureIndexes(models);
  });
  afterAll(async () => {
    await dropTestDatabase(conn);
    await wonde.stop();
  });
  beforeEach(async () => {
    await models.people.deleteMany({});
    await models.directorySyncRuns.deleteMany({});
    seed(wonde);
    wonde.failures.length = 0;
    wonde.requests.length = 0;
    wonde.maxPerPage = 2;
    waits = [];
    now = new Date('2026-03-02T02:00:00Z');
  });

  it('reads pupils, staff with their roles and classes, and the contacts with parental responsibility as parents, page by page', async () => {
    const summary = await sync();
    expect(summary).toMatchObject({ source: 'wonde', added: 7, deactivated: 0, skipped: 2 });
    expect(summary.incrementalSince).toBeUndefined();
    expect(await person('S-AMY')).toMatchObject({ role: 'pupil', displayName: 'Amy Pupil', email: 'amy@pupils.example', yearGroup: '3', form: '3K', dateOfBirth: new Date('2018-03-14T00:00:00Z') });
    expect(await person('S-BEN')).toMatchObject({ yearGroup: 'R', form: 'RB' });
    expect(await person('C-MUM')).toMatchObject({ role: 'parent', email: 'mary.pupil@home.example', childrenIds: ['S-AMY', 'S-BEN'] });
    expect(await person('C-GRAN')).toBeNull(); // no parental responsibility: not a parent to Lantern
    expect(await person('E-RUTH')).toMatchObject({ role: 'staff', jobTitle: 'Designated Safeguarding Lead, Deputy Head', formsTaught: ['6W'] });
    expect(await person('E-ALEX')).toMatchObject({ formsTaught: ['3K', '6W'] });
    expect(await person('E-GONE')).toBeNull();
    expect((await person('S-AMY'))?.vulnerability).toBeUndefined();
    const students = wonde.requests.filter((r) => r.path.endsWith('/students'));
    expect(students.length).toBe(2); // three students, two a page
    expect(students[0]?.query.get('per_page')).toBe('200');
    expect(students[0]?.query.get('include')?.split(',')).not.toContain('extended_details');
    expect(wonde.requests.some((r) => r.query.has('updated_after'))).toBe(false);
  });

  it('shows what a dry run would change and writes nothing', async () => {
    const summary = await sync({ dryRun: true });
    expect(summary).toMatchObject({ dryRun: true, added: 7 });
    expect(await models.people.countDocuments({})).toBe(0);
  });

  it('changes nothing when Wonde fails half-way, after honouring Retry-After on throttling', async () => {
    await sync();
    const before = await models.people.find({}).sort({ personId: 1 }).lean();
    wonde.students.push(student('S-DAN', 'Dan'));
    wonde.students[0]!.registration = '4K';
    wonde.failures.push({ status: 429, retryAfter: '7', afterRequests: wonde.requests.length + 1 });
    for (let i = 0; i < 5; i++) wonde.failures.push({ status: 503, afterRequests: wonde.requests.length + 3 });
    now = new Date('2026-03-03T02:00:00Z');
    await expect(sync({ full: true })).rejects.toMatchObject({ code: ErrorCode.DirectorySourceFailed });
    expect(waits[0]).toBe(7000);
    expect(await models.people.find({}).sort({ personId: 1 }).lean()).toEqual(before);
    const failed = await models.directorySyncRuns.findOne({ outcome: 'failed' }).lean();
    expect(failed?.error).toMatch(/Wonde kept answering/);
  });

  it('refuses an empty answer instead of marking the whole school inactive', async () => {
    await sync();
    wonde.students.length = wonde.employees.length = 0;
    now = new Date('2026-03-03T02:00:00Z');
    await expect(sync({ full: true })).rejects.toMatchObject({ code: ErrorCode.DirectorySyncRefused });
    expect(await models.people.countDocuments({ active: true })).toBe(7);
  });

  it('reads only what changed since the last sync, with Wonde deletions marking leavers inactive', async () => {
    await sync();
    const firstRun = now;
    now = new Date('2026-03-03T02:00:00Z');
    const changedAt = new Date('2026-03-02T15:00:00Z');
    // Cal leaves (deleted in Wonde), so his father is no longer a parent; Amy moves form; Mum's email changes;
    // a new pupil joins with Gran now holding parental responsibility.
    wonde.students.splice(2, 1);
    wonde.deletions.push({ id: 'S-CAL', type: 'student', deletedAt: changedAt });
    Object.assign(wonde.students[0]!, { registration: '4K', year: '4', updatedAt: changedAt });
    Object.assign(wonde.contacts[0]!, { email: 'mary@new.example', updatedAt: changedAt });
    wonde.students.push(student('S-DAN', 'Dan', { updatedAt: changedAt, contacts: [{ contactId: 'C-GRAN', relationship: 'Grandparent', parentalResponsibility: true, priority: 1 }] }));

    const summary = await sync();
    expect(summary.incrementalSince).toEqual(firstRun);
    expect(summary).toMatchObject({ added: 2, deactivated: 2 });
    const studentReads = wonde.requests.filter((r) => r.path.endsWith('/students'));
    expect(studentReads.at(-1)?.query.get('updated_after')).toBe('2026-03-02 02:00:00');
    expect(wonde.requests.some((r) => r.path.endsWith('/deletions') && r.query.get('updated_after') === '2026-03-02 02:00:00')).toBe(true);
    expect(await person('S-AMY')).toMatchObject({ form: '4K', yearGroup: '4', active: true });
    expect(await person('S-BEN')).toMatchObject({ form: 'RB', active: true });
    expect(await person('S-CAL')).toMatchObject({ active: false });
    expect(await person('C-DAD')).toMatchObject({ active: false });
    expect(await person('C-MUM')).toMatchObject({ email: 'mary@new.example', childrenIds: ['S-AMY', 'S-BEN'] });
    expect(await person('C-GRAN')).toMatchObject({ role: 'parent', childrenIds: ['S-DAN'], active: true });
    const run = await models.directorySyncRuns.findOne({ startedAt: now }).lean();
    expect(run?.incremental).toBe(true);

    // Nothing changed since: an incremental read that finds nothing keeps everyone (it is not an empty directory).
    now = new Date('2026-03-04T02:00:00Z');
    expect(await sync()).toMatchObject({ added: 0, updated: 0, deactivated: 0, unchanged: 7 });
  });

  it('clears flags stored while the school had them on, at the next incremental sync after turning them off', async () => {
    await sync();
    await models.people.updateOne({ personId: 'S-BEN' }, { $set: { vulnerability: { sen: true, lookedAfter: false, previouslyLookedAfter: false, childProtectionPlan: false } } });
    now = new Date('2026-03-03T02:00:00Z');
    expect(await sync()).toMatchObject({ updated: 1, incrementalSince: new Date('2026-03-02T02:00:00Z') });
    expect((await person('S-BEN'))?.vulnerability).toBeUndefined();
  });

  it('says what to fix when Wonde refuses the token or the school has not approved access', async () => {
    wonde.token = 'another-token';
    await expect(sync()).rejects.toThrow(/Wonde refused the token \(HTTP 401\)/);
    wonde.token = config.directory.wonde.northgate!;
    wonde.approved.delete('A1930499544');
    await expect(sync()).rejects.toThrow(/has not approved Lantern's access/);
    wonde.approved.add('A1930499544');
    expect(await models.people.countDocuments({})).toBe(0);
  });
});
