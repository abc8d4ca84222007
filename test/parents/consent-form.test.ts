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
import { loadConfig, type School } from '../../src/config/load.js';
import { ParentsSchema } from '../../src/config/schema.js';
import { currentConsents } from '../../src/parents/consents.js';
import { consentLabel } from '../../src/parents/consent-types.js';
import { tallyConsents } from '../../src/parents/consent-summary.js';
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
const YES: ConsentAnswers = { agreement: 'yes', consents: { internet: 'yes', photos: 'yes' }, typedName: 'Pat Parent' };

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
    const result = await submitConsent(deps, { token: t, answers: { agreement: undefined, consents: { internet: 'yes' }, typedName: 'P' }, client: CLIENT });
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
    const result = await submitConsent(deps, { token: await token(KS2, 'review'), answers: { ...YES, agreement: undefined, consents: { internet: 'yes', photos: 'no' } }, client: CLIENT });
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

describe('configured consent types (parents.consentTypes)', () => {
  // Demo directory: pupil-003 is in Hedgehogs (Reception), pupil-046 in Falcons (Year 6).
  const RECEPTION = { parentId: 'parent-003', pupilId: 'pupil-003' };
  const YEAR6 = { parentId: 'parent-046', pupilId: 'pupil-046' };
  const TYPES = [
    { id: 'website-photos', label: 'Photos on the school website', description: 'We may put photos of class activities on our website, never with full names.' },
    { id: 'video', label: 'Video of school events', description: 'We may film performances and share the film with families of the class.', appliesTo: { keyStages: ['KS2'] } },
    { id: 'learning-journal', label: 'The learning-journal app', description: 'Staff add photos of your child’s play and learning to the app you can see at home.', appliesTo: { yearGroups: ['N', 'R'] } },
  ];
  let custom: ConsentFormDeps;

  beforeAll(() => {
    const demo = deps.school(SCHOOL) as School;
    const school: School = { ...demo, parents: ParentsSchema.parse({ consentTypes: TYPES }) };
    custom = { ...deps, school: (id) => (id === SCHOOL ? school : undefined) };
  });

  it('asks each child’s parents only the types configured for their year group or key stage, in the configured order', async () => {
    const reception = await openConsentForm(custom, await token(RECEPTION));
    expect(reception.ok && reception.form.types.map((t) => t.id)).toEqual(['website-photos', 'learning-journal']);
    const year6 = await openConsentForm(custom, await token(YEAR6));
    expect(year6.ok && year6.form.types.map((t) => t.id)).toEqual(['website-photos', 'video']);
  });

  it('records an answer per configured type, under its id', async () => {
    const result = await submitConsent(custom, { token: await token(YEAR6), answers: { agreement: undefined, consents: { 'website-photos': 'yes', video: 'no' }, typedName: 'Pat Parent' }, client: CLIENT });
    expect(result.kind === 'recorded' && result.outcomes).toEqual([
      { kind: 'website-photos', decision: 'given', unchanged: false },
      { kind: 'video', decision: 'refused', unchanged: false },
    ]);
    const state = await currentConsents(lantern.models, SCHOOL, YEAR6.pupilId);
    expect(Object.keys(state).sort()).toEqual(['video', 'website-photos']);
  });

  it('names a missing configured answer', async () => {
    const result = await submitConsent(custom, { token: await token(RECEPTION), answers: { agreement: undefined, consents: { 'website-photos': 'yes' }, typedName: 'Pat Parent' }, client: CLIENT });
    expect(result.kind === 'incomplete' && result.missing).toEqual(['agreement', 'learning-journal']);
  });

  it('refuses an answer to a type the form does not ask, records nothing and leaves the link usable', async () => {
    const t = await token(RECEPTION);
    // "video" is for Key Stage 2 only; "photos" is no longer configured.
    const result = await submitConsent(custom, { token: t, answers: { agreement: undefined, consents: { 'website-photos': 'yes', 'learning-journal': 'yes', video: 'yes', photos: 'no' }, typedName: 'Pat Parent' }, client: CLIENT });
    expect(result.kind === 'unknown-types' && result.unknown).toEqual(['video', 'photos']);
    expect(await lantern.models.parentTokenUses.exists({ _id: hashToken(t) })).toBeNull();
    expect(await lantern.models.parentConsents.countDocuments({ schoolId: SCHOOL, pupilId: RECEPTION.pupilId })).toBe(0);
  });

  it('keeps answers to a type removed from the config, marked "no longer asked" in the counts', async () => {
    // KS2 (pupil-042) answered internet and photos under the standard types earlier in this file.
    const school = custom.school(SCHOOL) as School;
    expect(consentLabel(school, 'internet')).toBe('internet (no longer asked)');
    const pupils = await lantern.models.people.find({ schoolId: SCHOOL, personId: { $in: [KS2.pupilId, YEAR6.pupilId] } }).lean<Person[]>();
    const states = new Map(await Promise.all(pupils.map(async (p) => [p.personId, await currentConsents(lantern.models, SCHOOL, p.personId)] as const)));
    const tallies = tallyConsents(school, pupils, (id) => states.get(id) ?? {});
    expect(tallies.map((t) => [t.kind, t.asked, t.given, t.refused, t.withdrawn, t.noAnswer])).toEqual([
      ['agreement', true, 0, 0, 0, 2],
      ['website-photos', true, 1, 0, 0, 1],
      ['video', true, 0, 1, 0, 1],
      ['learning-journal', true, 0, 0, 0, 0],
      ['internet', false, 1, 0, 0, 0],
      ['photos', false, 0, 0, 1, 0],
    ]);
    expect(tallies.find((t) => t.kind === 'photos')?.label).toBe('photos (no longer asked)');
  });
});
