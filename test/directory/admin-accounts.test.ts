import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type LanternConfig } from '../../src/config/load.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { readDirectory } from '../../src/directory/source.js';
import { runDirectorySync } from '../../src/directory/run-sync.js';
import { createLogger } from '../../src/log/logger.js';
import { loadTenantContext } from '../../src/monitoring/connectors/tenant-from-db.js';
import { createEngine } from '../../src/monitoring/engine.js';
import { makeDirectoryAudit, makeGoogleEvent } from '../../src/monitoring/rules/fixtures.js';
import type { Detection } from '../../src/monitoring/types.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';
import { FakeGoogle, writeServiceAccountKey } from '../monitoring/connectors/support/fake-google.js';
import { FakeMicrosoft } from '../monitoring/connectors/support/fake-microsoft.js';
import { FakeDirectoryApis } from './support/fake-directory-apis.js';
import { NORTHGATE_SCHOOL } from '../support/school-yaml.js';

const TENANT_ID = '5c3e1a2b-7d9f-4e8a-b6c4-1f2e3d4c5b6a';
const CLIENT_ID = '0b6f1c2d-3e4f-4a5b-8c7d-9e0f1a2b3c4d';
const STAFF_GROUP = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const GLOBAL_ADMIN_TEMPLATE = '62e90394-69f5-4237-9190-012177145e10';
const logger = createLogger({ level: 'silent' });

describe('admin accounts from the directory', () => {
  let google: FakeGoogle;
  let ms: FakeMicrosoft;
  let apis: FakeDirectoryApis;
  let conn: Connection;
  let models: Models;
  let config: LanternConfig;
  const sync = (schoolId: string) => runDirectorySync({ config, models, logger, clock: () => new Date() }, schoolId, { retry: { sleep: async () => {} } });
  const school = (id: string) => config.schools.find((s) => s.id === id)!;

  /** Detections of one record under the school's synced directory. */
  async function detect(schoolId: string, record: unknown): Promise<Detection[]> {
    const out: Detection[] = [];
    const engine = createEngine({ tenant: await loadTenantContext(models, school(schoolId)), onDetection: (d) => out.push(d) });
    engine.process(record);
    return out;
  }

  beforeAll(async () => {
    google = await new FakeGoogle().start();
    ms = await new FakeMicrosoft().start();
    apis = await new FakeDirectoryApis().start();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-admins-'));
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
        - { orgUnit: /Staff, role: staff }
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
`,
    );
    config = loadConfig({ file, env: { LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE: writeServiceAccountKey(), LANTERN_MS_CLIENT_SECRET: 'fake-secret' }, cwd: dir });
    conn = await connectTestDatabase('admins');
    models = createModels(conn);
    await ensureIndexes(models);
  });
  afterAll(async () => {
    await Promise.all([google.stop(), ms.stop(), apis.stop()]);
    await dropTestDatabase(conn);
  });

  it("reads Google's isAdmin / isDelegatedAdmin and raises MFA removal on the IT manager's account to high", async () => {
    apis.googleUsers.push(
      { id: 'g1', primaryEmail: 'it.admin@northgate.example', name: { fullName: 'Sam IT' }, orgUnitPath: '/Staff', isAdmin: true, isDelegatedAdmin: false },
      { id: 'g2', primaryEmail: 'office@northgate.example', name: { fullName: 'Office' }, orgUnitPath: '/Staff', isAdmin: false, isDelegatedAdmin: true },
      { id: 'g3', primaryEmail: 'j.smith@northgate.example', name: { fullName: 'Jo Smith' }, orgUnitPath: '/Staff', isAdmin: false, isDelegatedAdmin: false },
    );
    await sync('northgate');
    const stored = await models.people.find({ schoolId: 'northgate' }).sort({ personId: 1 }).lean();
    expect(stored.map((p) => [p.email, p.adminRoles ?? null])).toEqual([
      ['it.admin@northgate.example', ['Super Admin']],
      ['office@northgate.example', ['Delegated admin']],
      ['j.smith@northgate.example', null],
    ]);

    const [onAdmin] = await detect('northgate', makeGoogleEvent('user_accounts', '2sv_disable', {}, { actor: 'it.admin@northgate.example', type: '2sv_change' }));
    expect(onAdmin).toMatchObject({ severity: 'high', adminAccount: 'it.admin@northgate.example' });
    expect(onAdmin?.summary).toContain('is an administrator (Super Admin)');
    const [onStaff] = await detect('northgate', makeGoogleEvent('user_accounts', '2sv_disable', {}, { actor: 'j.smith@northgate.example', type: '2sv_change' }));
    expect(onStaff?.severity).toBe('medium');
    expect(onStaff?.adminAccount).toBeUndefined();

    // Losing the role is a change the sync records.
    apis.googleUsers[0]!.isAdmin = false;
    await sync('northgate');
    expect((await models.people.findOne({ schoolId: 'northgate', personId: 'g1' }).lean())?.adminRoles).toBeUndefined();
  });

  it('reads Entra directory role membership and shows role names, raising "Admin deleted security info" on a Global Administrator', async () => {
    apis.entraGroups.set(STAFF_GROUP, {
      displayName: 'All staff',
      users: [
        { id: 'e1', mail: 'head@riverside.example', userPrincipalName: 'head@riverside.example', displayName: 'Head', jobTitle: 'Headteacher' },
        { id: 'e2', mail: 'teacher@riverside.example', userPrincipalName: 'teacher@riverside.example', displayName: 'Teacher', jobTitle: null },
      ],
    });
    apis.entraRoles.push({ displayName: '', roleTemplateId: GLOBAL_ADMIN_TEMPLATE, memberIds: ['e1'] }, { displayName: 'Helpdesk Administrator', roleTemplateId: '729827e3-9c14-49f7-bb1b-9608f156bbb8', memberIds: ['e1'] });
    await sync('riverside');
    const head = await models.people.findOne({ schoolId: 'riverside', personId: 'e1' }).lean();
    expect(head?.adminRoles).toEqual(['Global Administrator', 'Helpdesk Administrator']);
    expect(apis.requests.some((r) => r.path === '/v1.0/directoryRoles' && r.query.get('$expand') === 'members')).toBe(true);

    const record = makeDirectoryAudit('Admin deleted security info', { loggedByService: 'Authentication Methods', initiatedBy: { user: { userPrincipalName: 'teacher@riverside.example' } }, targetResources: [{ type: 'User', userPrincipalName: 'head@riverside.example' }] });
    const [d] = await detect('riverside', record);
    expect(d).toMatchObject({ family: 'account.mfa_disabled', severity: 'high', adminAccount: 'head@riverside.example' });
    expect(d?.summary).toContain('(Global Administrator, Helpdesk Administrator)');
  });

  it('still reads the Entra directory, without admin roles and with a warning, when the app may not read roles', async () => {
    apis.directoryRolesStatus = 403;
    try {
      const read = await readDirectory(school('riverside'), { config, retry: { sleep: async () => {} } });
      expect(read.people.map((p) => [p.email, p.adminRoles])).toEqual([
        ['head@riverside.example', undefined],
        ['teacher@riverside.example', undefined],
      ]);
      expect(read.warnings?.join(' ')).toContain('RoleManagement.Read.Directory');
      // A sync without role information leaves the stored roles alone.
      await sync('riverside');
      expect((await models.people.findOne({ schoolId: 'riverside', personId: 'e1' }).lean())?.adminRoles).toEqual(['Global Administrator', 'Helpdesk Administrator']);
    } finally {
      apis.directoryRolesStatus = undefined;
    }
  });
});
