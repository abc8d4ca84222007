import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTemplate, loadPolicyLibrary } from '../../src/agreements/library.js';
import { hasSigned, sign } from '../../src/agreements/signing.js';
import { signedPersonIds, standingsFrom } from '../../src/agreements/compliance.js';
import { verifyChain } from '../../src/agreements/verify.js';
import { completionRows, countersignRows } from '../../src/digest/sources/agreements.js';
import type { AgreementVersion } from '../../src/agreements/version-model.js';
import type { AgreementCampaign } from '../../src/agreements/campaign-model.js';
import type { AgreementSignature } from '../../src/agreements/signature-model.js';
import type { Person } from '../../src/directory/person.js';
import { publishVersion } from '../../src/agreements/versions.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log/logger.js';
import { openConsentForm, submitConsent, type ConsentAnswers, type ConsentFormDeps } from '../../src/parents/consent-form.js';
import { linksFromDirectory, syncLinks } from '../../src/parents/links.js';
import { hashToken, issueToken } from '../../src/parents/tokens.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';
import { calendarOf } from '../../src/agreements/academic-year.js';

// The demo school's calendar: 1 September, Europe/London.
const calendar = calendarOf({ timezone: 'Europe/London' });
let lantern: TestLantern;
let deps: ConsentFormDeps;
let agreementId: string;
let ks2Agreement: AgreementVersion;
const SCHOOL = 'northgate';
// Demo directory: pupil-012 is in Year 1, so the parent signs the class rules too; pupil-042 is in Year 5.
const KS1 = { parentId: 'parent-012', pupilId: 'pupil-012' };
const KS2 = { parentId: 'parent-042', pupilId: 'pupil-042' };
const CLIENT = { ip: '192.0.2.1', userAgent: 'test' };
const YES: ConsentAnswers = { agreement: 'yes', internet: 'yes', photos: 'yes', typedName: 'Pat Parent' };

async function token(who: { parentId: string; pupilId: string }, purpose: 'consent' | 'review' = 'consent'): Promise<string> {
  return (await issueToken(lantern.models, { schoolId: SCHOOL, ...who, purpose, round: 'use-case' }, new Date())).token;
}

beforeAll(async () => {
  lantern = await startTestLantern();
  await syncLinks(lantern.models, SCHOOL, 'directory', await linksFromDirectory(lantern.models.people, SCHOOL), new Date());
  const library = loadPolicyLibrary();
  agreementId = (await publishVersion(lantern.models, findTemplate(library, 'class-rules-eyfs-ks1'), { schoolId: SCHOOL, by: 'test' })).version._id;
  await publishVersion(lantern.models, findTemplate(library, 'parent-consent'), { schoolId: SCHOOL, by: 'test' });
  ks2Agreement = (await publishVersion(lantern.models, findTemplate(library, 'pupil-aua-ks2'), { schoolId: SCHOOL, by: 'test' })).version as AgreementVersion;
  const school = loadConfig({ env: { LOG_LEVEL: 'silent' }, cwd: os.tmpdir() }).schools.find((s) => s.id === SCHOOL);
  deps = { stores: lantern.models, clock: () => new Date(), logger: createLogger({ level: 'silent' }), school: (id) => (id === SCHOOL ? school : undefined) };
}, 120_000);

afterAll(async () => {
  await lantern?.close();
});

describe('parent consent use case (without the web page)', () => {
  it('names each missing answer and leaves the link unspent', async () => {
    const t = await token(KS1);
    const result = await submitConsent(deps, { token: t, answers: { agreement: undefined, internet: 'yes', photos: undefined, typedName: 'P' }, client: CLIENT });
    expect(result.kind).toBe('incomplete');
    expect(result.kind === 'incomplete' && result.missing).toEqual(['agreement', 'photos', 'typedName']);
    expect(await lantern.models.parentTokenUses.exists({ _id: hashToken(t) })).toBeNull();
  });

  it('signs the agreement for the child, records both consents, and refuses the spent link', async () => {
    const t = await token(KS1);
    const result = await submitConsent(deps, { token: t, answers: YES, client: CLIENT });
    expect(result.kind === 'recorded' && result.outcomes).toEqual([
      { kind: 'agreement', decision: 'given', unchanged: false },
      { kind: 'internet', decision: 'given', unchanged: false },
      { kind: 'photos', decision: 'given', unchanged: false },
    ]);
    expect(await hasSigned(lantern.models, SCHOOL, agreementId, { signerId: KS1.parentId, onBehalfOfId: KS1.pupilId }, new Date(), calendar)).toBe(true);
    expect(await submitConsent(deps, { token: t, answers: YES, client: CLIENT })).toEqual({ kind: 'problem', problem: 'used' });
  });

  it('a review link records only what changed', async () => {
    await submitConsent(deps, { token: await token(KS2), answers: { ...YES, agreement: undefined }, client: CLIENT });
    const result = await submitConsent(deps, { token: await token(KS2, 'review'), answers: { ...YES, agreement: undefined, photos: 'no' }, client: CLIENT });
    expect(result.kind === 'recorded' && result.outcomes).toEqual([
      { kind: 'internet', decision: 'given', unchanged: true },
      { kind: 'photos', decision: 'withdrawn', unchanged: false },
    ]);
    expect(await lantern.models.parentConsents.countDocuments({ schoolId: SCHOOL, pupilId: KS2.pupilId, kind: 'internet' })).toBe(1);
  });

  it('an unknown token is invalid', async () => {
    expect(await submitConsent(deps, { token: 'x'.repeat(43), answers: YES, client: CLIENT })).toEqual({ kind: 'problem', problem: 'invalid' });
  });

  it('a KS2 parent countersigns the child’s own agreement: evidence in the chain, never the child’s signature', async () => {
    // pupil-043 and pupil-044 are in Year 4: they sign their own agreement, and their parents countersign it.
    const alone = { parentId: 'parent-043', pupilId: 'pupil-043' };
    const after = { parentId: 'parent-044', pupilId: 'pupil-044' };
    const t = await token(alone);
    const opened = await openConsentForm(deps, t);
    expect(opened.ok && opened.form.countersign?._id).toBe(ks2Agreement._id);
    expect(opened.ok && opened.form.agreement).toBeNull();
    expect(opened.ok && opened.form.pupilSigned).toBe(false);

    const result = await submitConsent(deps, { token: t, answers: { ...YES, agreement: undefined, countersign: true }, client: CLIENT });
    expect(result.kind === 'recorded' && result.countersigned).toBe(true);
    const record = await lantern.models.agreementSignatures.findOne({ schoolId: SCHOOL, onBehalfOfId: alone.pupilId }).lean<AgreementSignature>();
    expect(record).toMatchObject({ signerId: alone.parentId, versionId: ks2Agreement._id, versionHash: ks2Agreement.hash, outcome: 'countersigned', channel: 'parent-link', client: { ip: CLIENT.ip, typedName: 'Pat Parent' } });
    expect(record?.signedAt).toBeInstanceOf(Date);

    // The child has not signed: a countersignature alone must not count for them anywhere.
    const now = new Date();
    expect(await hasSigned(lantern.models, SCHOOL, ks2Agreement._id, { signerId: alone.pupilId, onBehalfOfId: null }, now, calendar)).toBe(false);
    expect((await signedPersonIds(lantern.models, ks2Agreement, now, calendar)).has(alone.pupilId)).toBe(false);

    // A child who signed keeps their signature when the parent countersigns afterwards.
    await sign(lantern.models, { schoolId: SCHOOL, versionId: ks2Agreement._id, signerId: after.pupilId, channel: 'classroom' }, calendar, () => new Date());
    const second = await token(after);
    const secondForm = await openConsentForm(deps, second);
    expect(secondForm.ok && secondForm.form.pupilSigned).toBe(true);
    await submitConsent(deps, { token: second, answers: { ...YES, agreement: undefined, countersign: true }, client: CLIENT });
    const signed = await signedPersonIds(lantern.models, ks2Agreement, new Date(), calendar);
    expect([signed.has(after.pupilId), signed.has(alone.pupilId)]).toEqual([true, false]);

    // A later link shows the countersignature as done, and the chain still verifies.
    const review = await openConsentForm(deps, await token(alone, 'review'));
    expect(review.ok && review.form.countersign).toBeNull();
    expect(review.ok && review.form.countersignedAt).toBeInstanceOf(Date);
    expect((await verifyChain(lantern.models, SCHOOL)).ok).toBe(true);

    // The digest counts pupils' signatures and parents' countersignatures apart.
    const people = await lantern.models.people.find({ schoolId: SCHOOL, personId: { $in: [alone.pupilId, after.pupilId] } }).lean<Person[]>();
    const campaign = { _id: 'c-ks2', schoolId: SCHOOL, policyId: ks2Agreement.policyId, versionId: ks2Agreement._id, status: 'open', audience: { personIds: people.map((p) => p.personId) }, dueAt: new Date(Date.now() + 86_400_000), createdAt: new Date() } as unknown as AgreementCampaign;
    const standings = standingsFrom(
      { campaigns: [campaign], people, versions: await lantern.models.agreementVersions.find({ schoolId: SCHOOL }).lean<AgreementVersion[]>(), signatures: await lantern.models.agreementSignatures.find({ schoolId: SCHOOL }).lean<AgreementSignature[]>(), firsts: [] },
      new Date(),
      calendar,
    );
    expect(completionRows(standings)).toEqual([{ audience: 'Pupils — Year 4', aboutChildren: true, required: 2, done: 1 }]);
    expect(countersignRows(standings)).toEqual([{ audience: 'Parents of Year 4', aboutChildren: true, required: 2, done: 2 }]);
  });
});
