import type { Models } from '../stores.js';
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
  /** Makes issuing idempotent (with the policy and version: see campaignIdFor); defaults to the day. */
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

/**
 * A campaign's identity: policy + version + key. Two policies issued on the same day (or with the same
 * key, e.g. the roll-over's `year-2027-28`) are two campaigns, and so is one key reused for a new version.
 */
export function campaignIdFor(schoolId: string, version: Pick<AgreementVersion, 'policyId' | 'number'>, key: string): string {
  return `${schoolId}:${version.policyId}:v${version.number}:${key}`;
}

/** Works out recipients without changing anything. */
export async function planCampaign(models: Pick<Models, 'people' | 'conversationRefs'>, req: IssueRequest, now: Date): Promise<CampaignPlan> {
  const audience = AudienceSchema.parse(req.audience ?? req.version.audience);
  const key = req.key ?? now.toISOString().slice(0, 10);
  const campaignId = campaignIdFor(req.schoolId, req.version, key);
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
  // By id, which names the policy and version: the key alone is shared by campaigns of other policies.
  const campaign = (await models.agreementCampaigns.findById(plan.campaignId).lean<AgreementCampaign>()) ?? doc;
  const byId = new Map(plan.recipients.map((r) => [r.person.personId, r.person]));
  const withPeople = onQueued && ((items: AgreementSend[]) => onQueued(items, items.flatMap((i) => byId.get(i.personId) ?? [])));
  const queued = await queueSends(models, campaign, plan.recipients.filter((r) => r.via === 'card').map((r) => r.person.personId), 0, now, withPeople);
  // Pupils agree in class: their teachers are asked to record it (their prompts are not counted as cards to people in the audience).
  if (plan.recipients.some((r) => r.via === 'teacher')) {
    const staff = await models.people.find({ schoolId: req.schoolId, role: 'staff', active: true }).lean<Person[]>();
    await queueSends(models, campaign, classPromptTargets([...plan.recipients.map((r) => r.person), ...staff], plan.audience), 0, now);
  }
  return { campaign, created, queued, plan };
}

/** Who one queued card is for: a person (their own card), or a class teacher prompted for one form. */
export interface SendTarget {
  personId: string;
  /** A class prompt: the teacher records this form's agreement in class. */
  form?: string;
  /** The person's own sign-by date; for a first card it defaults to their own (see signByFor). */
  signBy?: Date;
}

/** The send item id of a class teacher's prompt for a form. */
export function classPromptId(campaignId: string, teacherId: string, form: string, round: number): string {
  return sendId(campaignId, `${teacherId}@${form}`, round);
}

/** The id of the send item for a target and round. */
export function targetSendId(campaignId: string, target: SendTarget, round: number): string {
  return target.form ? classPromptId(campaignId, target.personId, target.form, round) : sendId(campaignId, target.personId, round);
}

/**
 * A person's sign-by date when their first card is queued at `now`: the campaign's due date, or for someone
 * who joined the audience later, as long from now as the campaign gave everyone at issue.
 */
export function signByFor(campaign: Pick<AgreementCampaign, 'dueAt' | 'createdAt'>, now: Date): Date {
  const due = new Date(campaign.dueAt).getTime();
  const span = Math.max(0, due - new Date(campaign.createdAt).getTime());
  return new Date(Math.max(due, now.getTime() + span));
}

/**
 * Queues send items: each goes into the open sends first, then the queue, so a crash in between leaves a
 * card the worker still sends (the next pass queues it again; its claim then finds it done). Returns the
 * items new to the queue. An item already queued is skipped; if it was already finished, the open row this
 * adds is settled by the worker's next attempt, never sent twice (its claim is taken).
 */
export async function insertSends(models: Pick<Models, 'agreementSends' | 'agreementOpenSends'>, docs: readonly AgreementSend[]): Promise<AgreementSend[]> {
  await insertNew(models.agreementOpenSends, docs);
  return insertNew(models.agreementSends, docs);
}

/** Unordered insert of `docs`; those whose `_id` was already there are skipped. Returns those inserted. */
async function insertNew(model: Models['agreementSends'] | Models['agreementOpenSends'], docs: readonly AgreementSend[]): Promise<AgreementSend[]> {
  try {
    await model.insertMany(docs, { ordered: false });
    return [...docs];
  } catch (err) {
    const e = err as { writeErrors?: { code?: number; index?: number }[] };
    if (!e.writeErrors || !e.writeErrors.every((w) => isDuplicateKey(w))) throw err;
    const duplicates = new Set(e.writeErrors.map((w) => w.index));
    return docs.filter((_, index) => !duplicates.has(index));
  }
}

/**
 * Inserts send items for these people (or class prompts) and round; returns how many were new. Unordered
 * batch inserts: one round trip per 200 items, and an item already queued is a duplicate-key write error
 * that is skipped, so running this twice still queues each card once.
 */
export async function queueSends(
  models: Pick<Models, 'agreementSends' | 'agreementOpenSends'>,
  campaign: Pick<AgreementCampaign, '_id' | 'schoolId' | 'dueAt' | 'createdAt'>,
  targets: readonly (string | SendTarget)[],
  round: number,
  now: Date,
  onQueued?: (items: AgreementSend[]) => void,
): Promise<number> {
  let queued = 0;
  const all = targets.map((t): SendTarget => (typeof t === 'string' ? { personId: t } : t));
  for (let i = 0; i < all.length; i += 200) {
    const docs: AgreementSend[] = all.slice(i, i + 200).map((target) => {
      const id = targetSendId(campaign._id, target, round);
      // Only a late joiner's first card carries a date of its own; everyone else's is the campaign's.
      const own = round === 0 ? signByFor(campaign, now) : undefined;
      const signBy = target.signBy ?? (own && own.getTime() > new Date(campaign.dueAt).getTime() ? own : undefined);
      return {
        _id: id,
        schoolId: campaign.schoolId,
        campaignId: campaign._id,
        personId: target.personId,
        round,
        dueAt: now,
        deliveryId: sha256(id).slice(0, 32),
        ...(signBy ? { signBy } : {}),
        ...(target.form ? { form: target.form } : {}),
      };
    });
    const inserted = await insertSends(models, docs);
    queued += inserted.length;
    if (inserted.length > 0) onQueued?.(inserted);
  }
  return queued;
}

/**
 * The class teachers to prompt for a campaign that pupils agree to in class: one target per form with pupils
 * in the audience and per teacher of that form (from the directory's formsTaught).
 */
export function classPromptTargets(people: readonly Person[], audience: Audience): SendTarget[] {
  const forms = new Set(people.filter((p) => p.role === 'pupil' && p.active !== false && p.form && inAudience(p, audience)).map((p) => p.form as string));
  const out: SendTarget[] = [];
  for (const teacher of people) {
    if (teacher.role !== 'staff' || teacher.active === false) continue;
    for (const form of teacher.formsTaught ?? []) if (forms.has(form)) out.push({ personId: teacher.personId, form });
  }
  return out;
}

/** Open campaigns of a school whose audience includes the person: used when someone joins. */
export async function openCampaignsFor(models: Pick<Models, 'agreementCampaigns'>, person: Person): Promise<AgreementCampaign[]> {
  const open = await models.agreementCampaigns.find({ schoolId: person.schoolId, status: 'open' }).lean<AgreementCampaign[]>();
  return open.filter((c) => inAudience(person, c.audience as Audience));
}
