import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'mongoose';
import { recordSignature } from '../../src/agreements/evidence.js';
import { POLICIES_DIR } from '../../src/agreements/library.js';
import { signatureFor, versionStanding } from '../../src/agreements/state.js';
import type { AgreementVersion } from '../../src/agreements/version-model.js';
import { runCli } from '../../src/cli/main.js';
import { connectDatabase } from '../../src/db/connect.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { demoDirectory } from '../../src/directory/demo-directory.js';
import { syncDirectory } from '../../src/directory/sync.js';
import { testMongoUri } from '../support/db.js';
import { calendarOf } from '../../src/agreements/academic-year.js';

// The demo school's calendar: 1 September, Europe/London.
const calendar = calendarOf({ timezone: 'Europe/London' });
const dbName = `agr_pub_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
let conn: Connection;
let models: Models;
const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-publish-'));
const original = readFileSync(path.join(POLICIES_DIR, 'staff-aua.md'), 'utf8');
const typoFixed = path.join(dir, 'staff-aua-typo.md');
const phishing = path.join(dir, 'staff-aua-phishing.md');
const DAY = 86_400_000;

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env: { MONGODB_URI: `${testMongoUri()}${dbName}`, LOG_LEVEL: 'silent' }, cwd: dir });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const version = (n: number) => models.agreementVersions.findById(`northgate:staff-aua:v${n}`).lean<AgreementVersion>();

beforeAll(async () => {
  conn = await connectDatabase(testMongoUri(), { dbName });
  models = createModels(conn);
  await ensureIndexes(models);
  await syncDirectory(models.people, 'northgate', demoDirectory());
  writeFileSync(typoFixed, original.replace('keep my passwords to myself', 'keep my passwords to myself at all times'));
  writeFileSync(phishing, `${readFileSync(typoFixed, 'utf8').trimEnd()}\n\n## Phishing\n- I report suspicious emails to the IT manager and do not open their links.\n`);
}, 60_000);
afterAll(async () => {
  await conn.dropDatabase();
  await conn.close();
});

describe('lantern agreements publish', () => {
  it('publishes the first version without a change kind, then refuses a changed text without one', async () => {
    const first = await cli('agreements', 'publish', path.join(POLICIES_DIR, 'staff-aua.md'), '--by', 'Helen Carter');
    expect(first.code).toBe(0);
    expect(first.out).toContain('Published "Staff acceptable use agreement" version 1 (initial: First version)');
    const issued = await cli('agreements', 'issue', 'staff-aua', '--due', new Date(Date.now() + 10 * DAY).toISOString().slice(0, 10), '--reminders', '2,5', '--escalate', 'r.okafor@northgate.example', '--key', 'spring');
    expect(issued.code).toBe(0);
    await recordSignature(models, { schoolId: 'northgate', versionId: 'northgate:staff-aua:v1', signerId: 'staff-005', channel: 'teams' }, calendar);

    const vague = await cli('agreements', 'publish', typoFixed);
    expect(vague.code).toBe(1);
    expect(vague.err).toContain('--material (everyone signs again) or --minor (no re-signing)');
    expect((await cli('agreements', 'publish', typoFixed, '--minor')).err).toContain('--reason');
    expect((await cli('agreements', 'publish', typoFixed, '--minor', '--material', '--reason', 'x')).err).toContain('Choose one');
    expect((await cli('agreements', 'publish', path.join(dir, 'missing.md'), '--minor', '--reason', 'x')).err).toContain('Cannot read');
    expect(await version(2)).toBeNull();
  });

  it('a minor change records its reason and asks nobody; earlier signatures still count', async () => {
    const { code, out } = await cli('agreements', 'publish', typoFixed, '--minor', '--reason', 'Wording of the password line', '--by', 'Helen Carter');
    expect(code).toBe(0);
    expect(out).toContain('version 2 (minor: Wording of the password line)');
    expect(out).toContain('nobody is asked to sign again');
    const v2 = await version(2);
    expect(v2).toMatchObject({ change: 'minor', reason: 'Wording of the password line', publishedBy: 'Helen Carter', signGroup: 1 });
    expect(await models.agreementCampaigns.countDocuments({ schoolId: 'northgate' })).toBe(1);
    expect(await models.agreementSends.countDocuments({ campaignId: { $ne: 'northgate:staff-aua:v1:spring' } })).toBe(0);
    expect(await signatureFor(models, v2 as AgreementVersion, 'staff-005', new Date(), calendar)).not.toBeNull();
  });

  it('a material change --dry-run shows who would be asked and stores nothing', async () => {
    const { code, out } = await cli('agreements', 'publish', phishing, '--material', '--reason', 'Phishing reporting added', '--dry-run');
    expect(code).toBe(0);
    expect(out).toContain('Dry run — nothing stored or sent.');
    expect(out).toContain('Would publish "Staff acceptable use agreement" version 3 (material: Phishing reporting added)');
    expect(out).toMatch(/Would ask staff \(15 people\) to sign version 3, due \d{4}-\d{2}-\d{2}: 15 card\(s\), 15 not reachable/);
    expect(await version(3)).toBeNull();
    expect(await models.agreementCampaigns.countDocuments({ schoolId: 'northgate' })).toBe(1);
  });

  it('a material change asks the same audience to sign the new version on the same terms, once', async () => {
    const old = await models.agreementCampaigns.findById('northgate:staff-aua:v1:spring').lean();
    const { code, out } = await cli('agreements', 'publish', phishing, '--material', '--reason', 'Phishing reporting added', '--by', 'Helen Carter');
    expect(code).toBe(0);
    expect(out).toContain('Asked staff (15 people) to sign version 3');
    expect(out).toContain('(15 queued)');
    const v3 = await version(3);
    expect(v3).toMatchObject({ change: 'material', signGroup: 3, reason: 'Phishing reporting added' });

    const fresh = await models.agreementCampaigns.findById('northgate:staff-aua:v3:v3-after-spring').lean();
    expect(fresh).toMatchObject({ versionId: v3?._id, status: 'open', audience: old?.audience, reminderDays: [2, 5], escalateTo: 'r.okafor@northgate.example' });
    // The same time to sign as the campaign it replaces.
    const span = (c: typeof old) => new Date(c!.dueAt).getTime() - new Date(c!.createdAt).getTime();
    expect(span(fresh)).toBe(span(old));
    expect(await models.agreementCampaigns.findById('northgate:staff-aua:v1:spring').lean()).toMatchObject({ status: 'closed' });
    expect(await models.agreementSends.countDocuments({ campaignId: fresh?._id, round: 0 })).toBe(15);
    expect(await models.jobs.countDocuments({ name: 'agreements.send', key: `${fresh?._id}:issue` })).toBe(1);

    // Alex signed version 1: that no longer counts, and his version 1 card now points to the current version.
    expect(await signatureFor(models, v3 as AgreementVersion, 'staff-005', new Date(), calendar)).toBeNull();
    const standing = await versionStanding(models, (await version(1)) as AgreementVersion);
    expect(standing).toMatchObject({ outdated: true, current: { _id: v3?._id } });

    // Running the same command again changes nothing.
    const again = await cli('agreements', 'publish', phishing, '--material', '--reason', 'Phishing reporting added');
    expect(again.out).toContain('is unchanged: version 3 stays current');
    expect(await models.agreementCampaigns.countDocuments({ schoolId: 'northgate' })).toBe(2);
    expect(await models.agreementSends.countDocuments({ campaignId: fresh?._id })).toBe(15);
  });
});
