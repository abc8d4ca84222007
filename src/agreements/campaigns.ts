import type { Models } from '../db/models.js';
import type { Person } from '../directory/person.js';
import { ErrorCode, LanternError } from '../errors.js';
import { sha256 } from './canonical.js';
import { AudienceSchema, inAudience, resolveAudience, SELF_SIGNING_ROLES, type Audience } from './audience.js';
import type { AgreementCampaign, AgreementSend } from './campaign-model.js';
import type { AgreementVersion } from './version-model.js';
import { isDuplicateKey } from '../db/errors.js';

/** What issuing a campaign needs. */
export interface IssueRequest {
  schoolId: string;
  version: AgreementVersion;
  /** Defaults to the version's own audience. */
  audience?: Audience;
  dueAt: Date;
  reminderDays: number[];
  escalateTo?: string;
  createdBy: string;
  reason: string;
  /** Makes issuing idempotent; defaults to the version and the day. */
  key?: string;
}

/** One person a campaign reaches, and how. */
export interface PlannedRecipient {
  person: Person;
  /** `card`: a card in their Teams chat; `teacher`: their form teacher signs for them in class. */
  via: 'card' | 'teacher' | 'not-sent';
  reachable: boolean;
}

/** Who would receive what: the dry run's answer. */
export interface CampaignPlan {
  campaignId: string;
  key: string;
  audience: Audience;
  recipients: PlannedRecipient[];
}

/** The send item id for a person and round (0 = first card, n = n-th reminder, -1 = escalation). */
export function sendId(campaignId: string, personId: string, round: number): string {
  return `${campaignId}:${personId}:${round}`;
}

/** Works out recipients without changing anything. */
export async function planCampaign(models: Pick<Models, 'people' | 'conversationRefs'>, req: IssueRequest, now: Date): Promise<CampaignPlan> {
  const audience = AudienceSchema.parse(req.audience ?? req.version.audience);
  const key = req.key ?? `v${req.version.number}-${now.toISOString().slice(0, 10)}`;
  const campaignId = `${req.schoolId}:${req.version.policyId}:${key}`;
  // Both read at once (every installed personal chat, matched here): issuing waits for one scan, not two.
  const [people, refs] = await Promise.all([
    resolveAudience(models.people, req.schoolId, audience),
    models.conversationRefs.find({ scope: 'personal', installed: true }, { aadObjectId: 1 }).lean(),
  ]);
  const installed = new Set(refs.map((r) => r.aadObjectId));
  const recipients = people.map((person): PlannedRecipient => {
    if (SELF_SIGNING_ROLES.has(person.role)) return { person, via: 'card', reachable: Boolean(person.aadObjectId && installed.has(person.aadObjectId)) };
    if (person.role === 'pupil') return { person, via: 'teacher', reachable: true };
    return { person, via: 'not-sent', reachable: false };
  });
  return { campaignId, key, audience, recipients };
}

/**
 * Creates the campaign (or returns the one with the same key) and queues a first card for each
 * self-signing recipient. Safe to run again: both are unique inserts.
 */
export async function issueCampaign(
  models: Models,
  req: IssueRequest,
  now: Date,
  /** Sees each batch of send items as it is queued, with their people (a SendFeed: sending starts before queueing ends). */
  onQueued?: (items: AgreementSend[], people: Person[]) => void,
): Promise<{ campaign: AgreementCampaign; created: boolean; queued: number; plan: CampaignPlan }> {
  if (req.reminderDays.some((d) => !Number.isFinite(d) || d <= 0)) {
    throw new LanternError(ErrorCode.AgreementInvalid, 'Reminder days must be positive numbers of days after issue, e.g. 3,7,14.');
  }
  const plan = await planCampaign(models, req, now);
  const doc: AgreementCampaign = {
    _id: plan.campaignId,
    schoolId: req.schoolId,
    key: plan.key,
    versionId: req.version._id,
    policyId: req.version.policyId,
    audience: plan.audience,
    dueAt: req.dueAt,
    reminderDays: [...req.reminderDays].sort((a, b) => a - b),
    ...(req.escalateTo ? { escalateTo: req.escalateTo } : {}),
    createdBy: req.createdBy,
    reason: req.reason,
    status: 'open',
    createdAt: now,
  };
  let created = true;
  try {
    await models.agreementCampaigns.create(doc);
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    created = false;
  }
  const campaign = (await models.agreementCampaigns.findOne({ schoolId: req.schoolId, key: plan.key }).lean<AgreementCampaign>()) ?? doc;
  const byId = new Map(plan.recipients.map((r) => [r.person.personId, r.person]));
  const withPeople = onQueued && ((items: AgreementSend[]) => onQueued(items, items.flatMap((i) => byId.get(i.personId) ?? [])));
  const queued = await queueSends(models, campaign, plan.recipients.filter((r) => r.via === 'card').map((r) => r.person.personId), 0, now, withPeople);
  return { campaign, created, queued, plan };
}

/**
 * Inserts send items for these people and round; returns how many were new. Unordered batch inserts:
 * one round trip per 200 items, and an item already queued is a duplicate-key write error that is
 * skipped, so running this twice still queues each card once.
 */
export async function queueSends(
  models: Pick<Models, 'agreementSends'>,
  campaign: Pick<AgreementCampaign, '_id' | 'schoolId'>,
  personIds: readonly string[],
  round: number,
  now: Date,
  onQueued?: (items: AgreementSend[]) => void,
): Promise<number> {
  let queued = 0;
  for (let i = 0; i < personIds.length; i += 200) {
    const docs: AgreementSend[] = personIds.slice(i, i + 200).map((personId) => {
      const id = sendId(campaign._id, personId, round);
      return { _id: id, schoolId: campaign.schoolId, campaignId: campaign._id, personId, round, dueAt: now, deliveryId: sha256(id).slice(0, 32) };
    });
    let inserted = docs;
    try {
      await models.agreementSends.insertMany(docs, { ordered: false });
    } catch (err) {
      const e = err as { writeErrors?: { code?: number; index?: number }[] };
      if (!e.writeErrors || !e.writeErrors.every((w) => isDuplicateKey(w))) throw err;
      const duplicates = new Set(e.writeErrors.map((w) => w.index));
      inserted = docs.filter((_, index) => !duplicates.has(index));
    }
    queued += inserted.length;
    if (inserted.length > 0) onQueued?.(inserted);
  }
  return queued;
}

/** Open campaigns of a school whose audience includes the person: used when someone joins. */
export async function openCampaignsFor(models: Pick<Models, 'agreementCampaigns'>, person: Person): Promise<AgreementCampaign[]> {
  const open = await models.agreementCampaigns.find({ schoolId: person.schoolId, status: 'open' }).lean<AgreementCampaign[]>();
  return open.filter((c) => inAudience(person, c.audience as Audience));
}
