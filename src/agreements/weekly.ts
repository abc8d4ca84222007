import { collectionExists } from '../db/collections.js';
import type { Models } from '../stores.js';
import type { SchoolCalendar } from './academic-year.js';
import type { Person } from '../directory/person.js';
import type { AgreementCampaign } from './campaign-model.js';
import { STANDING_FIELDS, standingsFrom, type PolicyStanding, type StandingInputs } from './compliance.js';
import type { AgreementSignature } from './signature-model.js';
import type { AgreementVersion } from './version-model.js';

/** The agreement collections the digest's reads use. */
export type AgreementsWeekStores = Pick<Models, 'agreementCampaigns' | 'agreementVersions' | 'agreementSignatures' | 'people'>;

/** Which open campaigns to count: signed agreements and consents, or the training self-audit (a questionnaire). */
export type StandingKind = 'agreements' | 'training';

/**
 * The standing of each policy with an open campaign of one kind, counted with the capability's own rules
 * (`standingsFrom`), so the digest shows the figures `lantern agreements status` does. Undefined when
 * agreements have never been set up (no campaign or version was ever stored).
 */
export async function openStandings(stores: AgreementsWeekStores, schoolId: string, kind: StandingKind, now: Date, calendar: SchoolCalendar): Promise<PolicyStanding[] | undefined> {
  const [campaignsStored, versionsStored] = await Promise.all([collectionExists(stores.agreementCampaigns), collectionExists(stores.agreementVersions)]);
  if (!campaignsStored || !versionsStored) return undefined;
  const [open, versions, signatures, people] = await Promise.all([
    stores.agreementCampaigns.find({ schoolId, status: 'open' }).lean<AgreementCampaign[]>(),
    stores.agreementVersions.find({ schoolId }).lean<AgreementVersion[]>(),
    stores.agreementSignatures.find({ schoolId }, STANDING_FIELDS).lean<AgreementSignature[]>(),
    stores.people.find({ schoolId, active: true }).lean<Person[]>(),
  ]);
  return standingsOfKind({ campaigns: open, people, versions, signatures, firsts: [] }, kind, now, calendar);
}

/** The standings of the open campaigns of one kind among inputs already read (see `openStandings`). */
export function standingsOfKind(input: StandingInputs, kind: StandingKind, now: Date, calendar: SchoolCalendar): PolicyStanding[] {
  const kindOf = new Map(input.versions.map((v) => [v._id, v.kind === 'questionnaire' ? 'training' : 'agreements']));
  return standingsFrom({ ...input, campaigns: input.campaigns.filter((c) => c.status === 'open' && kindOf.get(c.versionId) === kind) }, now, calendar);
}

/** A policy's title and when its latest version is due for review. */
export interface PolicyReview {
  policyId: string;
  /** The school's own policy name (e.g. "Staff acceptable use agreement"), never a file title. */
  title: string;
  reviewDue: Date | null;
}

/** The review date of each policy's latest version (highest number); undefined when no version was ever stored. */
export async function policyReviews(stores: Pick<Models, 'agreementVersions'>, schoolId: string): Promise<PolicyReview[] | undefined> {
  if (!(await collectionExists(stores.agreementVersions))) return undefined;
  const versions = await stores.agreementVersions.find({ schoolId }, { policyId: 1, number: 1, title: 1, reviewDue: 1 }).lean();
  const latest = new Map<string, (typeof versions)[number]>();
  for (const v of versions) {
    const id = v.policyId ?? String(v._id);
    const seen = latest.get(id);
    if (!seen || Number(v.number) > Number(seen.number)) latest.set(id, v);
  }
  return [...latest.entries()].map(([policyId, v]) => ({ policyId, title: v.title || 'Untitled policy', reviewDue: v.reviewDue instanceof Date ? v.reviewDue : null }));
}
