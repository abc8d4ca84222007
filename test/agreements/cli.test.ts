import { mkdtempSync, readFileSync } from 'node:fs';
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
import { testMongoUri } from '../support/db.js';
import { calendarOf } from '../../src/agreements/academic-year.js';
import { openIntegrityKey } from '../../src/integrity/key.js';

/** The key the commands and the test's own writes share, as the server and the CLI do. */
const INTEGRITY_HEX = 'c0'.repeat(32);

// The demo school's calendar: 1 September, Europe/London.
const calendar = calendarOf({ timezone: 'Europe/London' });
const dbName = `agr_cli_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
let conn: Connection;
let models: Models;
const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-evidence-'));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env: { MONGODB_URI: `${testMongoUri()}${dbName}`, LOG_LEVEL: 'silent', LANTERN_INTEGRITY_KEY: INTEGRITY_HEX }, cwd: dir });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  conn = await connectDatabase(testMongoUri(), { dbName });
  models = createModels(conn, openIntegrityKey({ key: INTEGRITY_HEX, keyFile: null, generate: false }));
  await ensureIndexes(models);
  await syncDirectory(models.people, 'northgate', demoDirectory());
});
afterAll(async () => {
  await conn.dropDatabase();
  await conn.close();
});

describe('lantern agreements / evidence commands', () => {
  it('issue --dry-run shows who would receive what and sends nothing', async () => {
    const { code, out } = await cli('agreements', 'issue', 'staff-aua', '--dry-run');
    expect(code).toBe(0);
    expect(out).toContain('Dry run — nothing sent');
    expect(out).toContain('not reachable — Lantern not installed for them (15)');
    expect(out).toContain('Helen Carter — Headteacher');
    expect(await models.agreementCampaigns.countDocuments()).toBe(0);
  });

  it('issue publishes the version, creates the campaign once and queues its sending job', async () => {
    const first = await cli('agreements', 'issue', 'staff-aua', '--due', '2026-12-18', '--reminders', '3,7', '--escalate', 'r.okafor@northgate.example', '--key', 'autumn');
    expect(first.code).toBe(0);
    expect(first.out).toContain('15 card(s) queued');
    const again = await cli('agreements', 'issue', 'staff-aua', '--key', 'autumn');
    expect(again.out).toContain('Already issued');
    expect(await models.agreementSends.countDocuments()).toBe(15);
    expect(await models.jobs.countDocuments({ name: 'agreements.send' })).toBe(1);
    const bad = await cli('agreements', 'issue', 'no-such-policy');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('There is no policy "no-such-policy"');
  });

  it('issue --help names --key, and status --csv is the compliance export', async () => {
    expect((await cli('agreements', 'issue', '--help')).out).toContain('--key KEY');
    const csv = await cli('agreements', 'status', '--csv');
    expect(csv.out.split('\n')[0]).toBe('policy,title,version,group,signed,total,overdue');
    expect(csv.out).toContain('staff-aua,Staff acceptable use agreement,1,staff,0,15,0');
  });

  it('status counts by audience and names overdue staff', async () => {
    await recordSignature(models, { schoolId: 'northgate', versionId: 'northgate:staff-aua:v1', signerId: 'staff-002', channel: 'teams' }, calendar);
    await models.agreementCampaigns.updateOne({ key: 'autumn' }, { $set: { dueAt: new Date(Date.now() - 1000) } });
    const { code, out } = await cli('agreements', 'status');
    expect(code).toBe(0);
    expect(out).toMatch(/staff\s+1 of 15\s+signed \(7%\), 14 overdue/);
    expect(out).toContain('Helen Carter');
    expect(out).not.toContain('overdue: Ruth Okafor');
  });

  it('evidence verify passes, then reports a record changed directly in MongoDB', async () => {
    await recordSignature(models, { schoolId: 'northgate', versionId: 'northgate:staff-aua:v1', signerId: 'staff-003', channel: 'teams' }, calendar);
    expect((await cli('evidence', 'verify')).out).toContain('2 signature record(s), chain intact');
    await models.agreementSignatures.collection.updateOne({ seq: 1 }, { $set: { signedAt: new Date('2020-01-01') } });
    const tampered = await cli('evidence', 'verify');
    expect(tampered.code).toBe(1);
    expect(tampered.out).toContain('[edited] at 1');
  });

  it('evidence export writes CSV for an audience or a person', async () => {
    const res = await cli('evidence', 'export', '--audience', 'staff', '--out', 'staff.csv');
    expect(res.code).toBe(0);
    const csv = readFileSync(path.join(dir, 'staff.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toContain('seq,signed_at_utc,signed_at_local');
    expect(csv).toHaveLength(3);
    await cli('evidence', 'export', '--person', 'staff-003', '--out', 'mark.csv');
    expect(readFileSync(path.join(dir, 'mark.csv'), 'utf8')).toContain('Mark Hughes');
    const usage = await cli('evidence', 'export', '--out', 'x.csv');
    expect(usage.code).toBe(1);
    expect(usage.err).toContain('exactly one of --audience or --person');
  });
});
