import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { validateFileConfig } from '../../src/config/load.js';
import { connectDatabase } from '../../src/db/connect.js';
import { createModels, type Models } from '../../src/stores.js';
import { testMongoUri } from '../support/db.js';

const uri = `${testMongoUri()}dircli_${randomUUID().slice(0, 8)}`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-dircli-'));
const csv = path.join(dir, 'people.csv');
const school = (directory: unknown, extra: Record<string, unknown> = {}) => ({
  id: 'northgate',
  name: 'Northgate Primary',
  ownDomains: ['northgate.example'],
  dsl: { members: [{ email: 'r.okafor@northgate.example', role: 'dsl' }], channel: { teamId: 't', channelId: 'c' } },
  directory,
  ...extra,
});
let conn: Connection;
let models: Models;

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const env = { LANTERN_CONFIG: path.join(dir, 'lantern.config.yaml'), MONGODB_URI: uri, LOG_LEVEL: 'silent' };
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env, cwd: dir });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  writeFileSync(csv, 'personId,email,displayName,role,yearGroup,form\np1,ava@northgate.example,Ava Patel,pupil,3,Kestrels\ns1,tom@northgate.example,Tom Ashworth,staff,,\n');
  writeFileSync(
    path.join(dir, 'lantern.config.yaml'),
    `schools:
  - id: northgate
    name: Northgate Primary
    ownDomains: [northgate.example]
    dsl:
      members: [{ email: r.okafor@northgate.example, role: dsl }]
      channel: { teamId: t, channelId: c }
    directory: { source: csv, file: people.csv }
`,
  );
  conn = await connectDatabase(uri);
  models = createModels(conn);
});
afterAll(async () => {
  await conn.dropDatabase();
  await conn.close();
});

describe('lantern directory sync', () => {
  it('shows what a dry run would change without writing, then syncs', async () => {
    const dry = await cli('directory', 'sync', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('northgate (csv, dry run): 2 added, 0 updated, 0 back, 0 marked inactive, 0 unchanged; 0 users skipped');
    expect(await models.people.countDocuments({})).toBe(0);
    const real = await cli('directory', 'sync', '--school', 'northgate');
    expect(real.code).toBe(0);
    expect(real.out).toContain('northgate (csv): 2 added');
    expect(real.err).toContain('northgate: 2 users read, 2 mapped, 0 skipped');
    expect(await models.people.countDocuments({ schoolId: 'northgate', active: true })).toBe(2);
  });

  it('refuses an empty source with a non-zero exit and keeps the people', async () => {
    writeFileSync(csv, 'personId,email,displayName,role\n');
    const res = await cli('directory', 'sync');
    expect(res.code).toBe(1);
    expect(res.out).toMatch(/northgate: NOT SYNCED \(directory_sync_refused\) The directory source returned nobody, so the 2 people already stored were kept/);
    expect(await models.people.countDocuments({ schoolId: 'northgate', active: true })).toBe(2);
  });

  it('names an unknown school', async () => {
    const res = await cli('directory', 'sync', '--school', 'nowhere');
    expect(res.code).toBe(1);
    expect(res.err).toContain('There is no school "nowhere"');
  });
});

describe('directory mapping config', () => {
  const problems = (directory: unknown, extra: Record<string, unknown> = {}) => {
    try {
      validateFileConfig({ schools: [school(directory, extra)] }, 'test.yaml');
      return [];
    } catch (err) {
      return (err as { details: string[] }).details;
    }
  };

  it('accepts OU and group rules (year groups as numbers too) and Entra rules by id or name', () => {
    expect(problems({ source: 'google', adminSubject: 'it@northgate.example', rules: [{ orgUnit: '/Pupils/Year 3/Kestrels', role: 'pupil', yearGroup: 3, form: 'Kestrels' }, { group: 'staff@northgate.example', role: 'staff' }] })).toEqual([]);
    expect(problems({ source: 'entra', rules: [{ groupId: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', role: 'staff' }, { group: 'Governors', role: 'governor' }] }, { microsoft: { tenantId: '5c3e1a2b-7d9f-4e8a-b6c4-1f2e3d4c5b6a' } })).toEqual([]);
  });

  it('names each mistake and its fix', () => {
    expect(problems({ source: 'google', rules: [{ orgUnit: 'Pupils', role: 'pupil' }, { orgUnit: '/Staff', group: 'staff@northgate.example', role: 'staff' }, { group: 'x@northgate.example', role: 'teacher' }] })).toEqual([
      'schools[0].directory.rules[0].orgUnit: must be an OU path starting with /, e.g. /Pupils/Year 3/Kestrels',
      'schools[0].directory.rules[1]: set exactly one of orgUnit or group in each rule',
      'schools[0].directory.rules[2].role: must be one of pupil, staff, governor, volunteer, visitor, parent',
    ]);
    expect(problems({ source: 'google', rules: [{ orgUnit: '/Staff', role: 'staff' }] })).toEqual([
      'schools[0].directory.adminSubject: set directory.adminSubject (or google.adminSubject) to an administrator the service account acts as to read users and groups',
    ]);
    expect(problems({ source: 'entra', rules: [] })).toEqual([
      'schools[0].directory.rules: list at least one rule, e.g. { groupId: …, role: staff }',
      'schools[0].microsoft.tenantId: set microsoft.tenantId: the entra directory source reads groups from that tenant',
    ]);
    expect(problems({ source: 'entra', rules: [{ groupId: 'abc', role: 'staff' }] })).toEqual([
      'schools[0].directory.rules[0].groupId: must be a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47',
      'schools[0].microsoft.tenantId: set microsoft.tenantId: the entra directory source reads groups from that tenant',
    ]);
    expect(problems({ source: 'entra', rules: [{ group: 'All staff', role: 'staff' }] })).toEqual([
      'schools[0].microsoft.tenantId: set microsoft.tenantId: the entra directory source reads groups from that tenant',
    ]);
    expect(problems({ source: 'ldap' })).toEqual(['schools[0].directory.source: set source to demo, csv, google, entra or wonde']);
    expect(problems({ source: 'wonde', schoolId: 'A1930499544', vulnerableGroups: true })).toEqual([]);
    expect(problems({ source: 'wonde', schoolId: 'not an id', vulnerableGroups: 'yes' })).toEqual([
      "schools[0].directory.schoolId: must be the school's Wonde id, e.g. A1234567890",
      'schools[0].directory.vulnerableGroups: missing — add it (must be true or false)',
    ]);
  });
});
