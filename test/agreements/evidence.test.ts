import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'mongoose';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { demoDirectory } from '../../src/directory/demo-directory.js';
import { syncDirectory } from '../../src/directory/sync.js';
import { canonicalText, textHash } from '../../src/agreements/canonical.js';
import { recordSignature } from '../../src/agreements/evidence.js';
import { findTemplate, loadPolicyLibrary, parsePolicyTemplate } from '../../src/agreements/library.js';
import { signatureFor } from '../../src/agreements/state.js';
import { verifyChain } from '../../src/agreements/verify.js';
import { publishVersion } from '../../src/agreements/versions.js';
import { isLanternError, ErrorCode } from '../../src/errors.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';
import { calendarOf } from '../../src/agreements/academic-year.js';

// The demo school's calendar: 1 September, Europe/London.
const calendar = calendarOf({ timezone: 'Europe/London' });
let conn: Connection;
let models: Models;
const school = 'northgate';

beforeAll(async () => {
  conn = await connectTestDatabase('agr_evidence');
  models = createModels(conn);
  await ensureIndexes(models);
  await syncDirectory(models.people, school, demoDirectory());
});
afterAll(async () => dropTestDatabase(conn));

const verify = () => verifyChain(models, school);

describe('policy library and versions', () => {
  it('loads every template with the fields a version needs', () => {
    const ids = loadPolicyLibrary().map((t) => t.id);
    expect(ids).toEqual(
      expect.arrayContaining(['staff-aua', 'governor-aua', 'volunteer-aua', 'visitor-aua', 'class-rules-eyfs-ks1', 'pupil-aua-ks2', 'parent-consent', 'staff-training-self-audit']),
    );
    expect(findTemplate(loadPolicyLibrary(), 'staff-training-self-audit').questions?.length).toBeGreaterThan(3);
  });

  it('rejects a template without front matter or with a bad audience, naming the fix', () => {
    expect(() => parsePolicyTemplate('# Just text', 'x.md')).toThrow(/front matter/);
    expect(() => parsePolicyTemplate('---\nid: x1\ntitle: T\nkind: agreement\nsummary: S\naudience: { roles: [wizard] }\nowner: a@b.example\n---\nBody', 'x.md')).toThrow(/audience\.roles/);
  });

  it('hashes canonical text: whitespace a reader cannot see does not make a new version', () => {
    expect(textHash('Line one  \r\nLine two\r\n\r\n\r\n')).toBe(textHash('Line one\nLine two'));
    expect(canonicalText('a\n\n\n\nb')).toBe('a\n\nb');
    expect(textHash('I agree.')).not.toBe(textHash('I do not agree.'));
  });

  it('publishes version 1, returns it again for the same text, and demands material/minor with a reason for a change', async () => {
    const template = findTemplate(loadPolicyLibrary(), 'staff-aua');
    const first = await publishVersion(models, template, { schoolId: school, by: 'test' });
    expect(first.created).toBe(true);
    expect(first.version.number).toBe(1);
    expect(first.version.hash).toBe(textHash(template.body));
    const again = await publishVersion(models, { ...template, body: `${template.body}\r\n\r\n` }, { schoolId: school, by: 'test' });
    expect(again.created).toBe(false);

    const changed = { ...template, body: `${template.body}\n\nI will not leave a device unlocked.` };
    await expect(publishVersion(models, changed, { schoolId: school, by: 'test' })).rejects.toSatisfy((e) => isLanternError(e, ErrorCode.AgreementInvalid));
    const minor = await publishVersion(models, { ...template, body: `${template.body}\n\n(Typo fixed.)` }, { schoolId: school, by: 'test', change: 'minor', reason: 'Typo' });
    expect(minor.version).toMatchObject({ number: 2, change: 'minor', reason: 'Typo', signGroup: 1 });
  });
});

describe('evidence chain', () => {
  it('records a signature once however often it is pressed, also concurrently', async () => {
    const v1 = `${school}:staff-aua:v1`;
    const results = await Promise.all(Array.from({ length: 6 }, () => recordSignature(models, { schoolId: school, versionId: v1, signerId: 'staff-005', channel: 'teams' }, calendar)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await models.agreementSignatures.countDocuments({ signerId: 'staff-005' })).toBe(1);
  });

  it('keeps seq unique and the chain intact when many people sign at once', async () => {
    const v1 = `${school}:staff-aua:v1`;
    const signers = ['staff-001', 'staff-002', 'staff-003', 'staff-004', 'staff-006', 'staff-007', 'staff-008', 'staff-009'];
    await Promise.all(signers.map((s) => recordSignature(models, { schoolId: school, versionId: v1, signerId: s, channel: 'teams', client: { locale: 'en-GB' } }, calendar)));
    const seqs = (await models.agreementSignatures.find({ schoolId: school }).lean()).map((s) => s.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 9 }, (_, i) => i + 1));
    expect(await verify()).toMatchObject({ ok: true, records: 9 });
  });

  it('counts a signature of version 1 for the minor revision 2', async () => {
    const v2 = await models.agreementVersions.findById(`${school}:staff-aua:v2`).lean();
    expect(v2).not.toBeNull();
    expect(await signatureFor(models, v2 as never, 'staff-005', new Date(), calendar)).not.toBeNull();
  });

  it('refuses a version of another school or one that does not exist', async () => {
    await expect(recordSignature(models, { schoolId: 'other', versionId: `${school}:staff-aua:v1`, signerId: 'x', channel: 'teams' }, calendar)).rejects.toSatisfy((e) =>
      isLanternError(e, ErrorCode.AgreementNotFound),
    );
  });

  it('verify reports a record changed directly in MongoDB, with its position', async () => {
    const original = await models.agreementSignatures.collection.findOne({ schoolId: school, seq: 4 });
    await models.agreementSignatures.collection.updateOne({ schoolId: school, seq: 4 }, { $set: { signerId: 'staff-099' } });
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(report.issues).toEqual([expect.objectContaining({ kind: 'edited', seq: 4 })]);
    await models.agreementSignatures.collection.updateOne({ schoolId: school, seq: 4 }, { $set: { signerId: original?.signerId } });
    expect((await verify()).ok).toBe(true);
  });

  it('verify reports a deleted record and an inserted one, with their positions', async () => {
    const five = await models.agreementSignatures.collection.findOne({ schoolId: school, seq: 5 });
    await models.agreementSignatures.collection.deleteOne({ schoolId: school, seq: 5 });
    expect((await verify()).issues).toEqual([expect.objectContaining({ kind: 'deleted', seq: 5 })]);
    await models.agreementSignatures.collection.insertOne(five as never);
    expect((await verify()).ok).toBe(true);

    const three = await models.agreementSignatures.collection.findOne({ schoolId: school, seq: 3 });
    const { _id: _drop, ...copy } = three as Record<string, unknown>;
    await models.agreementSignatures.collection.insertOne({ ...copy, seq: 3.5, key: 'forged', signerId: 'staff-015' });
    expect((await verify()).issues).toEqual([expect.objectContaining({ kind: 'inserted', seq: 3.5 })]);
    await models.agreementSignatures.collection.deleteOne({ key: 'forged' });

    const last = await models.agreementSignatures.collection.findOne({ schoolId: school }, { sort: { seq: -1 } });
    await models.agreementSignatures.collection.deleteOne({ _id: last?._id });
    expect((await verify()).issues).toEqual([expect.objectContaining({ kind: 'deleted', seq: last?.seq })]);
    await models.agreementSignatures.collection.insertOne(last as never);
    expect((await verify()).ok).toBe(true);
  });
});
