import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { syncDirectory } from '../../src/directory/sync.js';
import type { PersonInput } from '../../src/directory/person.js';
import { issueCampaign } from '../../src/agreements/campaigns.js';
import { recordSignature } from '../../src/agreements/evidence.js';
import { findTemplate, loadPolicyLibrary } from '../../src/agreements/library.js';
import { publishVersion } from '../../src/agreements/versions.js';
import { connectTestDatabase, dropTestDatabase, testMongoUri } from '../support/db.js';
import { FakeGoogle, writeServiceAccountKey } from '../monitoring/connectors/support/fake-google.js';
import { FakeMicrosoft } from '../monitoring/connectors/support/fake-microsoft.js';
import { FakeGroupApis } from './support/fake-group-apis.js';
import { calendarOf } from '../../src/agreements/academic-year.js';
import { NORTHGATE_SCHOOL } from '../support/school-yaml.js';

/** The demo schools' calendar: 1 September, Europe/London. */
const LONDON = calendarOf({ timezone: 'Europe/London' });

const TENANT_ID = '5c3e1a2b-7d9f-4e8a-b6c4-1f2e3d4c5b6a';
const CLIENT_ID = '0b6f1c2d-3e4f-4a5b-8c7d-9e0f1a2b3c4d';
const ENTRA_GROUP = '9c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f';
const GOOGLE_GROUP = 'unsigned@northgate.example';
const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-unsigned-group-'));
const keyFile = writeServiceAccountKey();

const staff = (personId: string, displayName: string, email: string | undefined, extra: Partial<PersonInput> = {}): PersonInput => ({ personId, displayName, role: 'staff', ...(email ? { email } : {}), ...extra });

describe('the group of unsigned accounts, kept in step with approval', () => {
  let google: FakeGoogle;
  let ms: FakeMicrosoft;
  let apis: FakeGroupApis;
  let conn: Connection;
  let models: Models;
  let configFile: string;

  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const env = { MONGODB_URI: `${testMongoUri()}${conn.name}`, LOG_LEVEL: 'silent', LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE: keyFile, LANTERN_MS_CLIENT_SECRET: 'fake-secret' };
    const code = await runCli([...argv, '--config', configFile], { out: (l) => out.push(l), err: (l) => err.push(l), env, cwd: dir });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  async function collect(schoolId: string, people: PersonInput[]): Promise<void> {
    await syncDirectory(models.people, schoolId, people);
    const { version } = await publishVersion(models, findTemplate(loadPolicyLibrary(), 'staff-aua'), { schoolId, by: 'test' });
    await issueCampaign(models, { schoolId, version, dueAt: new Date(Date.now() + 86_400_000), reminderDays: [], createdBy: 'test', reason: 'test', key: 'autumn' }, new Date());
  }

  beforeAll(async () => {
    google = await new FakeGoogle().start();
    ms = await new FakeMicrosoft().start();
    apis = await new FakeGroupApis().start();
    configFile = path.join(dir, 'lantern.config.yaml');
    writeFileSync(
      configFile,
      `mail:
  google: { tokenUrl: "${google.url}/token" }
  microsoft: { authorityHost: "${ms.url}", graphUrl: "${apis.url}/v1.0" }
schools:
${NORTHGATE_SCHOOL}    directory:
      source: google
      adminSubject: it.admin@northgate.example
      apiUrl: ${apis.url}
      rules: [{ orgUnit: /Staff, role: staff }]
    agreements: { unsigned: { group: ${GOOGLE_GROUP} } }
  - id: riverside
    name: Riverside Infant School
    ownDomains: [riverside.example]
    dsl:
      members: [{ email: dsl@riverside.example, role: dsl }]
      channel: { teamId: team-2, channelId: "19:dsl2@thread.tacv2" }
    microsoft: { tenantId: ${TENANT_ID}, clientId: ${CLIENT_ID} }
    directory:
      source: entra
      rules: [{ group: Staff, role: staff }]
    agreements: { unsigned: { group: ${ENTRA_GROUP} } }
`,
    );
    conn = await connectTestDatabase('unsignedgroup');
    models = createModels(conn);
    await ensureIndexes(models);
    await collect('northgate', [
      staff('s1', 'Ann Lee', 'ann@northgate.example'),
      staff('s2', 'Bob Kaur', 'bob@northgate.example'),
      staff('s3', 'Cat Moss', 'cat@northgate.example'),
      staff('s4', 'Dev Rao', undefined),
      { personId: 'g1', displayName: 'Gil Ford', email: 'gil@northgate.example', role: 'governor' },
    ]);
    await recordSignature(models, { schoolId: 'northgate', versionId: 'northgate:staff-aua:v1', signerId: 's3', channel: 'teams' }, LONDON);
    // Bob is already held back; Cat has signed since she was added; gone@ has left the school.
    apis.googleGroups.set(GOOGLE_GROUP, new Set(['bob@northgate.example', 'cat@northgate.example', 'gone@northgate.example']));

    await collect('riverside', [
      staff('r1', 'Rhea Ng', 'rhea@riverside.example', { aadObjectId: 'aad-r1' }),
      staff('r2', 'Raj Iqbal', 'raj@riverside.example', { aadObjectId: 'aad-r2' }),
      staff('r3', 'Rosa Diaz', 'rosa@riverside.example', { aadObjectId: 'aad-r3' }),
    ]);
    await recordSignature(models, { schoolId: 'riverside', versionId: 'riverside:staff-aua:v1', signerId: 'r3', channel: 'teams' }, LONDON);
    apis.entraGroups.set(ENTRA_GROUP, new Set(['aad-r3']));
  }, 60_000);
  afterAll(async () => {
    await Promise.all([google.stop(), ms.stop(), apis.stop()]);
    await dropTestDatabase(conn);
  });

  it('--dry-run shows the adds and removes, changes nothing and records the run', async () => {
    const { code, out } = await cli('agreements', 'unsigned-group', '--school', 'northgate', '--dry-run');
    expect(code).toBe(0);
    expect(out).toContain(`Dry run — nothing changed. Group ${GOOGLE_GROUP} (google): 1 to add, 2 to remove, 1 already in it.`);
    expect(out).toContain('  add Ann Lee <ann@northgate.example>');
    expect(out).toContain('  remove Cat Moss <cat@northgate.example>');
    expect(out).toContain('  remove gone@northgate.example');
    expect(out).toContain('Not in the group, no account it can hold: Dev Rao.');
    expect(apis.writes).toEqual([]);
    expect(await models.agreementGroupRuns.findOne({ schoolId: 'northgate' }).lean()).toMatchObject({ dryRun: true, status: 'planned', adds: [{ member: 'ann@northgate.example', personId: 's1' }] });
    expect(google.tokenRequests.at(-1)).toMatchObject({ sub: 'it.admin@northgate.example', scope: 'https://www.googleapis.com/auth/admin.directory.group.member' });
  });

  it('applying needs --approve --by a member of staff in the directory', async () => {
    expect((await cli('agreements', 'unsigned-group', '--school', 'northgate')).err).toContain('Give --dry-run to see the changes, or --approve --by EMAIL');
    expect((await cli('agreements', 'unsigned-group', '--school', 'northgate', '--approve')).err).toContain('--approve needs --by EMAIL');
    for (const by of ['gil@northgate.example', 'nobody@northgate.example']) {
      const refused = await cli('agreements', 'unsigned-group', '--school', 'northgate', '--approve', '--by', by);
      expect(refused.code).toBe(1);
      expect(refused.err).toContain(`${by} is not an active member of staff in the school's directory`);
    }
    expect(apis.writes).toEqual([]);
  });

  it('--approve --by makes the group hold exactly the unsigned accounts and records who, when, adds and removes', async () => {
    const { code, out } = await cli('agreements', 'unsigned-group', '--school', 'northgate', '--approve', '--by', 'Cat@northgate.example');
    expect(code).toBe(0);
    expect(out).toContain('Approved by cat@northgate.example; recorded.');
    expect([...(apis.googleGroups.get(GOOGLE_GROUP) ?? [])].sort()).toEqual(['ann@northgate.example', 'bob@northgate.example']);
    expect(apis.writes.map((w) => `${w.method} ${w.path}`)).toEqual([
      `POST /admin/directory/v1/groups/${GOOGLE_GROUP}/members`,
      `DELETE /admin/directory/v1/groups/${GOOGLE_GROUP}/members/cat@northgate.example`,
      `DELETE /admin/directory/v1/groups/${GOOGLE_GROUP}/members/gone@northgate.example`,
    ]);
    const run = await models.agreementGroupRuns.findOne({ schoolId: 'northgate', dryRun: false }).lean();
    expect(run).toMatchObject({ provider: 'google', group: GOOGLE_GROUP, approvedBy: 'cat@northgate.example', status: 'done', noAccount: ['s4'] });
    expect(run?.at).toBeInstanceOf(Date);
    expect(run?.removes).toEqual([{ member: 'cat@northgate.example', personId: 's3' }, { member: 'gone@northgate.example' }]);
    const again = await cli('agreements', 'unsigned-group', '--school', 'northgate', '--dry-run');
    expect(again.out).toContain('0 to add, 0 to remove, 2 already in it.');
  });

  it('keeps an Entra group by object id through Graph, and records a change Microsoft refused', async () => {
    apis.refuse.add('aad-r2');
    const { code, out } = await cli('agreements', 'unsigned-group', '--school', 'riverside', '--approve', '--by', 'rosa@riverside.example');
    expect(code).toBe(1);
    expect(out).toContain('1 change(s) failed.');
    expect(out).toMatch(/add Raj Iqbal <aad-r2> — not done: Microsoft refused adding aad-r2 .*GroupMember\.ReadWrite\.All/);
    expect([...(apis.entraGroups.get(ENTRA_GROUP) ?? [])].sort()).toEqual(['aad-r1']);
    const posts = apis.writes.filter((w) => w.method === 'POST' && w.path === `/v1.0/groups/${ENTRA_GROUP}/members/$ref`).map((w) => w.body);
    expect(posts).toContainEqual({ '@odata.id': `${apis.url}/v1.0/directoryObjects/aad-r1` });
    expect(apis.writes.some((w) => w.method === 'DELETE' && w.path === `/v1.0/groups/${ENTRA_GROUP}/members/aad-r3/$ref`)).toBe(true);
    const run = await models.agreementGroupRuns.findOne({ schoolId: 'riverside', dryRun: false }).lean();
    expect(run?.adds.find((a) => a.member === 'aad-r2')?.error).toMatch(/GroupMember\.ReadWrite\.All/);
    expect(run?.status).toBe('done');
  });
});
