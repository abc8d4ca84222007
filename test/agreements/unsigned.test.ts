import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'mongoose';
import { runCli } from '../../src/cli/main.js';
import { connectDatabase } from '../../src/db/connect.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { demoDirectory } from '../../src/directory/demo-directory.js';
import { syncDirectory } from '../../src/directory/sync.js';
import { recordSignature } from '../../src/agreements/evidence.js';
import { unsignedAccounts, unsignedCsv } from '../../src/agreements/unsigned.js';
import { testMongoUri } from '../support/db.js';
import { calendarOf } from '../../src/agreements/academic-year.js';

/** The demo schools' calendar: 1 September, Europe/London. */
const LONDON = calendarOf({ timezone: 'Europe/London' });

const dbName = `agr_unsigned_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
let conn: Connection;
let models: Models;
const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-unsigned-'));

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
});
afterAll(async () => {
  await conn.dropDatabase();
  await conn.close();
});

describe('sign before access: the unsigned accounts', () => {
  it('says everyone has signed while nothing is being collected', async () => {
    const { code, out } = await cli('agreements', 'unsigned');
    expect(code).toBe(0);
    expect(out).toContain('Everyone at Northgate Primary has signed what they must.');
  });

  it('lists the audiences of open agreements less those who signed; consents and the self-audit are not access conditions', async () => {
    for (const args of [['staff-aua'], ['pupil-aua-ks2', '--audience', 'form:Kestrels'], ['parent-consent'], ['staff-training-self-audit']]) {
      expect((await cli('agreements', 'issue', ...args, '--due', '2026-12-18')).code).toBe(0);
    }
    await recordSignature(models, { schoolId: 'northgate', versionId: 'northgate:staff-aua:v1', signerId: 'staff-002', channel: 'teams' }, LONDON);
    await recordSignature(models, { schoolId: 'northgate', versionId: 'northgate:pupil-aua-ks2:v1', signerId: 'staff-007', onBehalfOfId: 'pupil-031', channel: 'teams' }, LONDON);
    // A pupil marked absent has not agreed.
    await recordSignature(models, { schoolId: 'northgate', versionId: 'northgate:pupil-aua-ks2:v1', signerId: 'staff-007', onBehalfOfId: 'pupil-032', channel: 'teams', outcome: 'absent' }, LONDON);

    const accounts = await unsignedAccounts(models, 'northgate', new Date(), LONDON);
    const ids = accounts.map((a) => a.personId);
    expect(ids.filter((id) => id.startsWith('staff-'))).toHaveLength(14);
    expect(ids).not.toContain('staff-002');
    expect(ids.filter((id) => id.startsWith('pupil-')).sort()).toEqual(['pupil-032', 'pupil-033', 'pupil-034', 'pupil-035', 'pupil-036', 'pupil-037', 'pupil-038', 'pupil-039', 'pupil-040']);
    expect(ids.some((id) => id.startsWith('parent-'))).toBe(false);
    expect(accounts.find((a) => a.personId === 'staff-003')?.owes.map((o) => o.policyId)).toEqual(['staff-aua']);
  });

  it('prints the list, and --csv one row per account with its policies', async () => {
    const text = await cli('agreements', 'unsigned');
    expect(text.code).toBe(0);
    expect(text.out).toContain('23 account(s) at Northgate Primary have not signed what they must:');
    expect(text.out).toContain('Helen Carter <h.carter@northgate.example> — staff: Staff acceptable use agreement by 18 December 2026');
    const csv = await cli('agreements', 'unsigned', '--csv');
    const lines = csv.out.split('\n');
    expect(lines[0]).toBe('personId,email,name,role,yearGroup,form,policies,earliestDue');
    expect(lines).toHaveLength(24);
    expect(lines).toContain('staff-001,h.carter@northgate.example,Helen Carter,staff,,,staff-aua,2026-12-18');
    expect(lines.filter((l) => l.includes(',pupil,3,Kestrels,pupil-aua-ks2,2026-12-18'))).toHaveLength(9);
  });

  it('keeps a name that starts like a formula from running in a spreadsheet', () => {
    const csv = unsignedCsv([{ personId: 'v1', email: 'x@northgate.example', displayName: '=HYPERLINK("http://evil")', role: 'visitor', yearGroup: undefined, form: undefined, aadObjectId: undefined, owes: [{ policyId: 'visitor-aua', title: 'Visitors', versionNumber: 1, due: new Date('2026-12-18T00:00:00Z') }] }]);
    expect(csv.split('\n')[1]).toBe(`v1,x@northgate.example,"'=HYPERLINK(""http://evil"")",visitor,,,visitor-aua,2026-12-18`);
  });
});
