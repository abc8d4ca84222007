import { AudienceSchema, inAudience } from './audience.js';
import { academicYearIn, type SchoolCalendar } from './academic-year.js';
import { COUNTERSIGNED, recordSignature, type SignatureInput } from './evidence.js';
import type { AgreementSignature } from './signature-model.js';
import type { AgreementVersion } from './version-model.js';
import { equivalentVersionIds } from './versions.js';
import type { Models } from '../stores.js';
import type { Person } from '../directory/person.js';

/**
 * The sign pages' only contact with the agreements capability (A1, A6): read a published version, find the
 * version a pupil is meant to sign, and append a signature to the school's evidence chain.
 */
export type AgreementStores = Pick<Models, 'integrity' | 'agreementVersions' | 'agreementSignatures' | 'agreementChainHeads' | 'agreementOpenRequests'>;

/** Year groups whose parents sign the agreement on the child's behalf (EYFS and KS1). */
export const PARENT_SIGNED_YEARS: readonly string[] = ['N', 'R', '1', '2'];

/** A published version of the school, or null when it does not exist there. */
export async function findVersion(stores: AgreementStores, schoolId: string, versionId: string): Promise<AgreementVersion | null> {
  const v = await stores.agreementVersions.findById(versionId).lean<AgreementVersion>();
  return v && v.schoolId === schoolId && v.kind === 'agreement' ? v : null;
}

/** True when the person is in the version's audience: the rule that decides who is asked to sign it. */
export function isFor(version: Pick<AgreementVersion, 'audience'>, person: Pick<Person, 'role' | 'yearGroup' | 'form' | 'personId'>): boolean {
  const audience = AudienceSchema.safeParse(version.audience);
  return audience.success && inAudience(person, audience.data);
}

/** The latest version of each agreement whose audience includes the pupil, newest policy first. */
export async function agreementsFor(stores: AgreementStores, schoolId: string, pupil: Pick<Person, 'role' | 'yearGroup' | 'form' | 'personId'>): Promise<AgreementVersion[]> {
  const all = await stores.agreementVersions.find({ schoolId, kind: 'agreement' }).sort({ number: -1 }).lean<AgreementVersion[]>();
  const latest = new Map<string, AgreementVersion>();
  for (const v of all) if (!latest.has(v.policyId)) latest.set(v.policyId, v);
  return [...latest.values()].filter((v) => isFor(v, pupil));
}

/** The agreement a parent signs for this pupil: only for EYFS/KS1 pupils, or pupils a version names one by one. */
export async function parentSignedAgreement(stores: AgreementStores, schoolId: string, pupil: Pick<Person, 'role' | 'yearGroup' | 'form' | 'personId'>): Promise<AgreementVersion | null> {
  const versions = await agreementsFor(stores, schoolId, pupil);
  const young = pupil.yearGroup !== undefined && pupil.yearGroup !== null && PARENT_SIGNED_YEARS.includes(pupil.yearGroup);
  const named = versions.find((v) => AudienceSchema.safeParse(v.audience).data?.personIds?.includes(pupil.personId));
  return young ? (versions[0] ?? null) : (named ?? null);
}

/** Year groups (KS2) who sign their own agreement and whose parents countersign it through their consent link. */
export const COUNTERSIGNED_YEARS: readonly string[] = ['3', '4', '5', '6'];

/** The agreement a parent countersigns for this pupil: the KS2 pupil's own agreement, when a parent does not sign it for them. */
export async function countersignedAgreement(stores: AgreementStores, schoolId: string, pupil: Pick<Person, 'role' | 'yearGroup' | 'form' | 'personId'>): Promise<AgreementVersion | null> {
  if (!pupil.yearGroup || !COUNTERSIGNED_YEARS.includes(pupil.yearGroup)) return null;
  if (await parentSignedAgreement(stores, schoolId, pupil)) return null;
  return (await agreementsFor(stores, schoolId, pupil))[0] ?? null;
}

/** The parent's countersignature of `version` (any version of its sign group, this academic year for a yearly one), if any. */
export async function findCountersignature(
  stores: Pick<Models, 'agreementVersions' | 'agreementSignatures'>,
  version: AgreementVersion,
  who: { parentId: string; pupilId: string },
  now: Date,
  calendar: SchoolCalendar,
): Promise<AgreementSignature | null> {
  const ids = await equivalentVersionIds(stores, version);
  return stores.agreementSignatures
    .findOne({ schoolId: version.schoolId, versionId: { $in: ids }, ...(version.yearly ? { period: academicYearIn(now, calendar) } : {}), signerId: who.parentId, onBehalfOfId: who.pupilId, outcome: COUNTERSIGNED })
    .lean<AgreementSignature>();
}

/** Appends a parent's countersignature of their child's agreement to the evidence chain (once per version, parent and child). */
export async function countersign(
  stores: AgreementStores,
  input: { schoolId: string; versionId: string; parentId: string; pupilId: string; client: Record<string, string> },
  calendar: SchoolCalendar,
  clock: () => Date,
): Promise<{ created: boolean; hash: string }> {
  const { record, created } = await recordSignature(
    stores,
    { schoolId: input.schoolId, versionId: input.versionId, signerId: input.parentId, onBehalfOfId: input.pupilId, channel: 'parent-link', outcome: COUNTERSIGNED, client: input.client },
    calendar,
    clock,
  );
  return { created, hash: record.hash };
}

/** The latest published consent form for parents (internet access and photos), or null when none is published. */
export async function parentConsentVersion(stores: AgreementStores, schoolId: string): Promise<AgreementVersion | null> {
  const all = await stores.agreementVersions.find({ schoolId, kind: 'consent' }).sort({ publishedAt: -1, number: -1 }).lean<AgreementVersion[]>();
  return all.find((v) => AudienceSchema.safeParse(v.audience).data?.roles?.includes('parent')) ?? null;
}

/** Whose records to read: one signer's own (or made for one person), or every record about one person. */
export type SignatureSubject = { signerId: string; onBehalfOfId: string | null } | { personId: string };

/**
 * The signature records that count for `version`: made on any version of its sign group (after a minor change,
 * a typo fix, nobody is asked to sign again) and, for a yearly policy, in the academic year of `now` in the
 * school's `calendar`.
 * The one query behind "has this person signed": the sign pages, a person's standing and the compliance counts
 * each filter its records; `subject` narrows it to one person. A parent's countersignature is never among them.
 */
export async function countingSignatures(
  stores: Pick<Models, 'agreementVersions' | 'agreementSignatures'>,
  version: AgreementVersion,
  now: Date,
  calendar: SchoolCalendar,
  subject?: SignatureSubject,
): Promise<AgreementSignature[]> {
  const ids = await equivalentVersionIds(stores, version);
  const who = !subject ? {} : 'personId' in subject ? { $or: [{ signerId: subject.personId, onBehalfOfId: null }, { onBehalfOfId: subject.personId }] } : { signerId: subject.signerId, onBehalfOfId: subject.onBehalfOfId };
  return stores.agreementSignatures
    .find({ schoolId: version.schoolId, versionId: { $in: ids }, ...(version.yearly ? { period: academicYearIn(now, calendar) } : {}), outcome: { $ne: COUNTERSIGNED }, ...who })
    .lean<AgreementSignature[]>();
}

/** True when this signer has a record that counts for this version (for this person): see `countingSignatures`. */
export async function hasSigned(
  stores: AgreementStores,
  schoolId: string,
  versionId: string,
  signer: { signerId: string; onBehalfOfId: string | null },
  now: Date,
  calendar: SchoolCalendar,
): Promise<boolean> {
  const version = await stores.agreementVersions.findById(versionId).lean<AgreementVersion>();
  if (!version || version.schoolId !== schoolId) return false;
  return (await countingSignatures(stores, version, now, calendar, signer)).length > 0;
}

/** Appends a signature to the evidence chain (idempotent per version, signer and person signed for). */
export async function sign(stores: AgreementStores, input: SignatureInput, calendar: SchoolCalendar, clock: () => Date): Promise<{ created: boolean; hash: string }> {
  const { record, created } = await recordSignature(stores, input, calendar, clock);
  return { created, hash: record.hash };
}
