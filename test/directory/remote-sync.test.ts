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
import { FakeGoogle, writeServiceAccountKey } from '../monitoring/connectors/support/fake-google.js';
import { FakeMicrosoft } from '../monitoring/connectors/support/fake-microsoft.js';
import { FakeDirectoryApis, type FakeGoogleUser } from './support/fake-directory-apis.js';
import { NORTHGATE_SCHOOL } from '../support/school-yaml.js';

const TENANT_ID = '5c3e1a2b-7d9f-4e8a-b6c4-1f2e3d4c5b6a';
const CLIENT_ID = '0b6f1c2d-3e4f-4a5b-8c7d-9e0f1a2b3c4d';
const STAFF_GROUP = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const KESTRELS_GROUP = '8b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e';
const logger = createLogger({ level: 'silent' });
const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-dirsync-'));
const keyFile = writeServiceAccountKey();

function gUser(id: string, email: string, fullName: string, orgUnitPath: string, extra: Partial<FakeGoogleUser> = {}): FakeGoogleUser {
  return { id, primaryEmail: email, name: { fullName }, orgUnitPath, ...extra };
}

describe('directory sync from Google Workspace and Microsoft Entra', () => {
  let google: FakeGoogle;
  let ms: FakeMicrosoft;
  let apis: FakeDirectoryApis;
  let conn: Connection;
  let models: Models;
  let config: LanternConfig;
  let waits: number[] = [];
  const sync = (schoolId: string, options: { dryRun?: boolean } = {}) =>
    runDirectorySync({ config, models, logger, clock: () => new Date() }, schoolId, { ...options, retry: { sleep: async (ms: number) => void waits.push(ms) } });

  beforeAll(async () => {
    google = await new FakeGoogle().start();
    ms = await new FakeMicrosoft().start();
    apis = await new FakeDirectoryApis().start();
    const file = path.join(dir, 'lantern.config.yaml');
    writeFileSync(
      file,
      `mail:
  google: { tokenUrl: "${google.url}/token" }
  microsoft: { authorityHost: "${ms.url}", graphUrl: "${apis.url}/v1.0" }
schools:
${NORTHGATE_SCHOOL}    directory:
      source: google
      adminSubject: it.admin@northgate.example
      apiUrl: ${apis.url}
      rules:
        - { orgUnit: /Pupils/Year 3/Kestrels, role: pupil, yearGroup: 3, form: Kestrels }
        - { group: staff@northgate.example, role: staff }
        - { orgUnit: /Staff, role: visitor }
        - { orgUnit: /Governors, role: governor }
  - id: riverside
    name: Riverside Infant School
    ownDomains: [riverside.example]
    dsl:
      members: [{ email: dsl@riverside.example, role: dsl }]
      channel: { teamId: team-2, channelId: "19:dsl2@thread.tacv2" }
    microsoft: { tenantId: ${TENANT_ID}, clientId: ${CLIENT_ID} }
    directory:
      source: entra
      rules:
        - { groupId: ${STAFF_GROUP}, role: staff }
        - { group: Year 1 Kestrels, role: pupil, yearGroup: 1, form: Kestrels }
`,
    );
    config = loadConfig({ file, env: { LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE: keyFile, LANTERN_MS_CLIENT_SECRET: 'fake-secret' }, cwd: dir });
    conn = await connectTestDatabase('dirsync');
    models = createModels(conn);
    await ensureIndexes(models);
  });
  afterAll(async () => {
    await Promise.all([google.stop(), ms.stop(), apis.stop()]);
    await dropTestDatabase(conn);
  });
  beforeEach(() => {
    waits = [];
    apis.failures.length = 0;
  });

  const people = async (schoolId: string) => models.people.find({ schoolId }).sort({ personId: 1 }).lean();

  it('reads every page of users and group members and maps each user by the first matching rule', async () => {
    apis.googleUsers.push(
      gUser('g1', 'Ava.Patel@northgate.example', 'Ava Patel', '/Pupils/Year 3/Kestrels'),
      gUser('g2', 'leo.shah@northgate.example', 'Leo Shah', '/Pupils/Year 3/Kestrels/Reading group'),
      gUser('g3', 't.ashworth@northgate.example', 'Tom Ashworth', '/Staff/Teaching'), // in the staff group: the group rule comes first
      gUser('g4', 'caretaker@northgate.example', 'Dan Moss', '/Staff/Site'), // not in the group: /Staff rule
      gUser('g5', 'm.ellison@northgate.example', 'Margaret Ellison', '/Governors'),
      gUser('g6', 'printer@northgate.example', 'Printer', '/Devices'), // no rule: skipped
      gUser('g7', 'old.pupil@northgate.example', 'Old Pupil', '/Pupils/Year 3/Kestrels', { suspended: true }),
    );
    apis.googleGroups.set('staff@northgate.example', [
      { id: 'g3', email: 't.ashworth@northgate.example', type: 'USER' },
      { id: 'g9', email: 'someone.else@northgate.example', type: 'USER' },
      { id: 'grp-1', email: 'teachers@northgate.example', type: 'GROUP' },
    ]);
    const summary = await sync('northgate');
    expect(summary).toMatchObject({ added: 5, updated: 0, deactivated: 0, skipped: 1, dryRun: false, source: 'google' });
    const stored = await people('northgate');
    expect(stored.map((p) => [p.personId, p.email, p.role, p.yearGroup ?? null, p.form ?? null, p.active])).toEqual([
      ['g1', 'ava.patel@northgate.example', 'pupil', '3', 'Kestrels', true],
      ['g2', 'leo.shah@northgate.example', 'pupil', '3', 'Kestrels', true],
      ['g3', 't.ashworth@northgate.example', 'staff', null, null, true],
      ['g4', 'caretaker@northgate.example', 'visitor', null, null, true],
      ['g5', 'm.ellison@northgate.example', 'governor', null, null, true],
    ]);
    const userPages = apis.requests.filter((r) => r.path === '/admin/directory/v1/users').map((r) => r.query.get('pageToken'));
    expect(userPages).toEqual([null, '2', '4', '6']);
    const memberCalls = apis.requests.filter((r) => r.path.endsWith('/members'));
    expect(memberCalls.map((r) => [r.query.get('includeDerivedMembership'), r.query.get('pageToken')])).toEqual([['true', null], ['true', '2']]);
    expect(google.tokenRequests.at(-1)).toMatchObject({
      sub: 'it.admin@northgate.example',
      scope: 'https://www.googleapis.com/auth/admin.directory.user.readonly https://www.googleapis.com/auth/admin.directory.group.member.readonly',
    });
    const run = await models.directorySyncRuns.findOne({ schoolId: 'northgate' }).sort({ startedAt: -1 }).lean();
    expect(run).toMatchObject({ outcome: 'ok', added: 5, skipped: 1, dryRun: false });
  });

  it('waits as long as Retry-After asks on a 429, then carries on', async () => {
    apis.failures.push({ status: 429, retryAfter: '3', afterRequests: apis.requests.length + 2 });
    const summary = await sync('northgate');
    expect(waits).toEqual([3000]);
    expect(summary).toMatchObject({ added: 0, updated: 0, unchanged: 5, deactivated: 0 });
  });

  it('leaves the stored directory exactly as it was when the source fails half-way', async () => {
    const before = await people('northgate');
    apis.googleUsers.splice(0, 2); // two pupils leave; the sync that would deactivate them fails on page 2
    // Twice: the auth library answers a first 403 with a fresh token and one retry.
    const page2 = apis.requests.length + 3;
    apis.failures.push({ status: 403, afterRequests: page2 }, { status: 403, afterRequests: page2 });
    await expect(sync('northgate')).rejects.toMatchObject({ code: ErrorCode.DirectorySourceFailed, message: expect.stringContaining('domain-wide delegation') });
    expect(await people('northgate')).toEqual(before);
    const run = await models.directorySyncRuns.findOne({ schoolId: 'northgate' }).sort({ startedAt: -1 }).lean();
    expect(run).toMatchObject({ outcome: 'failed', errorCode: ErrorCode.DirectorySourceFailed, added: 0, deactivated: 0 });
  });

  it('refuses an empty result instead of deactivating everyone', async () => {
    const saved = apis.googleUsers.splice(0);
    try {
      await expect(sync('northgate')).rejects.toMatchObject({ code: ErrorCode.DirectorySyncRefused });
      expect(await models.people.countDocuments({ schoolId: 'northgate', active: true })).toBe(5);
    } finally {
      apis.googleUsers.push(...saved);
    }
  });

  it('counts changes in a dry run without writing, then marks leavers inactive (never deleted) and queues joiners their agreements', async () => {
    const now = new Date();
    await models.agreementVersions.create({
      _id: 'v-staff-1', schoolId: 'northgate', policyId: 'staff-aua', number: 1, kind: 'agreement', title: 'Staff AUA', summary: 'Staff AUA', audience: { roles: ['staff'] },
      body: 'Text', hash: 'h', effectiveDate: now, reviewDue: now, ownerEmail: 'r.okafor@northgate.example', change: 'initial', reason: 'test', signGroup: 1, publishedBy: 'test', publishedAt: now,
    });
    await models.agreementCampaigns.create({
      _id: 'c-staff-1', schoolId: 'northgate', key: 'staff-2026', versionId: 'v-staff-1', policyId: 'staff-aua', audience: { roles: ['staff'] }, dueAt: new Date(now.getTime() + 14 * 86_400_000), createdBy: 'test', reason: 'test', createdAt: now,
    });
    await models.agreementSends.create({ _id: 'c-staff-1:g3:0', schoolId: 'northgate', campaignId: 'c-staff-1', personId: 'g3', round: 0, dueAt: now, deliveryId: 'd' });
    apis.googleUsers.push(gUser('g8', 'new.teacher@northgate.example', 'New Teacher', '/Staff/Teaching'));
    apis.googleGroups.get('staff@northgate.example')?.push({ id: 'g8', email: 'new.teacher@northgate.example', type: 'USER' });
    const g4 = apis.googleUsers.find((u) => u.id === 'g4');
    if (g4) g4.name.fullName = 'Daniel Moss';

    const before = await people('northgate');
    const dry = await sync('northgate', { dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, added: 1, updated: 1, deactivated: 2, joinersQueued: 0 });
    expect(await people('northgate')).toEqual(before);
    expect(await models.agreementSends.countDocuments({ campaignId: 'c-staff-1' })).toBe(1);

    const real = await sync('northgate');
    expect(real).toMatchObject({ added: 1, updated: 1, deactivated: 2, unchanged: 2, joinersQueued: 1 });
    const stored = await people('northgate');
    expect(stored.filter((p) => !p.active).map((p) => p.personId)).toEqual(['g1', 'g2']);
    expect(stored.find((p) => p.personId === 'g4')?.displayName).toBe('Daniel Moss');
    expect(await models.agreementSends.findById('c-staff-1:g8:0').lean()).toMatchObject({ personId: 'g8', round: 0 });

    // A pupil who comes back is active again, with the form the rule gives.
    apis.googleUsers.push(gUser('g1', 'ava.patel@northgate.example', 'Ava Patel', '/Pupils/Year 3/Kestrels'));
    expect(await sync('northgate')).toMatchObject({ reactivated: 1, added: 0, deactivated: 0 });
    expect((await models.people.findOne({ schoolId: 'northgate', personId: 'g1' }).lean())?.active).toBe(true);
  });

  it('reads Entra groups (by id and by display name) through every nextLink, first rule winning', async () => {
    const staff = [
      { id: 'e1', mail: 'head@riverside.example', userPrincipalName: 'head@riverside.example', displayName: 'Helen Head', jobTitle: 'Headteacher' },
      { id: 'e2', mail: null, userPrincipalName: 'ta@riverside.example', displayName: 'Tariq Ahmed', jobTitle: 'Teaching assistant' },
      { id: 'e3', mail: 'both@riverside.example', userPrincipalName: 'both@riverside.example', displayName: 'Both Groups', jobTitle: null },
    ];
    const kestrels = [
      { id: 'e3', mail: 'both@riverside.example', userPrincipalName: 'both@riverside.example', displayName: 'Both Groups', jobTitle: null },
      { id: 'e4', mail: 'p1@riverside.example', userPrincipalName: 'p1@riverside.example', displayName: 'Pupil One', jobTitle: '1K' },
      { id: 'e5', mail: 'p2@riverside.example', userPrincipalName: 'p2@riverside.example', displayName: 'Pupil Two', jobTitle: null },
    ];
    apis.entraGroups.set(STAFF_GROUP, { displayName: 'All staff', users: staff });
    apis.entraGroups.set(KESTRELS_GROUP, { displayName: 'Year 1 Kestrels', users: kestrels });
    ms.failures.length = 0;
    apis.failures.push({ status: 429, retryAfter: '2', afterRequests: apis.requests.length + 1 });
    const summary = await sync('riverside');
    expect(waits).toEqual([2000]);
    expect(summary).toMatchObject({ added: 5, skipped: 0, source: 'entra' });
    const stored = await people('riverside');
    expect(stored.map((p) => [p.personId, p.email, p.role, p.form ?? null, p.aadObjectId, p.jobTitle ?? null])).toEqual([
      ['e1', 'head@riverside.example', 'staff', null, 'e1', 'Headteacher'],
      ['e2', 'ta@riverside.example', 'staff', null, 'e2', 'Teaching assistant'],
      ['e3', 'both@riverside.example', 'staff', null, 'e3', null],
      ['e4', 'p1@riverside.example', 'pupil', 'Kestrels', 'e4', null],
      ['e5', 'p2@riverside.example', 'pupil', 'Kestrels', 'e5', null],
    ]);
    const pages = apis.requests.filter((r) => r.path.includes('transitiveMembers')).map((r) => `${r.path.split('/')[3]}:${r.query.get('$skiptoken')}`);
    // The second staff page was answered 429 once, then read again.
    expect(pages).toEqual([`${STAFF_GROUP}:null`, `${STAFF_GROUP}:2`, `${STAFF_GROUP}:2`, `${KESTRELS_GROUP}:null`, `${KESTRELS_GROUP}:2`]);
    expect(ms.tokenRequests.at(-1)).toMatchObject({ tenant: TENANT_ID, clientId: CLIENT_ID, scope: expect.stringContaining('https://graph.microsoft.com/.default') });
  });

  it('stops on a missing Entra group with the fix, leaving the directory as it was', async () => {
    const before = await people('riverside');
    apis.entraGroups.delete(KESTRELS_GROUP);
    await expect(sync('riverside')).rejects.toMatchObject({ code: ErrorCode.DirectorySourceFailed, message: expect.stringContaining('Year 1 Kestrels') });
    expect(await people('riverside')).toEqual(before);
  });
});
