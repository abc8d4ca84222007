import type { School } from '../config/load.js';
import type { Logger } from '../log/logger.js';
import type { DigestCardPoster } from './ports.js';
import { buildSchoolDigest, findSchool, type DigestDeps } from './run.js';
import { ConcurrentSendError } from './send.js';
import type { DigestSendDoc } from './send-model.js';
import type { DigestView, Tone } from './view.js';
import { formatIsoWeek, type IsoWeek } from './week.js';
import { isDuplicateKey } from '../db/errors.js';

/** Logged (and returned as the skip reason) when the governors' channel has no stored conversation reference. */
export const GOVERNORS_CHANNEL_UNREACHABLE = 'governors’ channel not reachable — install Lantern in that team';

/** How posting the card ended: posted now, already posted for this week, or skipped (with why). */
export type DigestCardOutcome = { status: 'sent' | 'already-sent'; activityId: string | null } | { status: 'skipped'; reason: string };

/** What posting the card needs beyond the digest's own deps: the poster (the Teams edge) and the job's logger. */
export interface DigestCardOptions {
  poster: DigestCardPoster;
  logger?: Logger;
}

const LABEL: Record<Tone, { label: string; color: string }> = {
  red: { label: 'ACT', color: 'Attention' },
  amber: { label: 'WATCH', color: 'Warning' },
  ok: { label: 'OK', color: 'Good' },
};

/** Whether the school's digest also goes by email (recipients and a sender are set). */
function emailConfigured(school: School): boolean {
  return Boolean(school.digest?.recipients.length && school.digest.sender);
}

/**
 * The data of the `digest-summary` card, from the same view the email renders: headlines and one line per
 * section. The view holds words and already-suppressed numbers only, so the card can hold nothing more.
 */
export function digestCardData(view: DigestView, school: School): Record<string, unknown> {
  return {
    schoolName: view.schoolName,
    title: view.title,
    weekId: view.weekId,
    headlines: view.headlines.map((h) => ({ ...LABEL[h.tone], text: h.text })),
    sections: view.sections.map((s) => ({ heading: s.heading, line: s.noData ? `No data yet: ${s.noData}` : (s.summary ?? '') })),
    privacyNote: 'Numbers of 1 or 2 are shown as "fewer than 3". This card holds no pupil names, email addresses or file titles; ask the designated safeguarding lead for detail.',
    emailNote: emailConfigured(school)
      ? 'The full digest, with charts and tables, goes to the governors by email.'
      : 'The full digest, with charts and tables, goes by email once the school sets up email delivery (schools[].digest.recipients and sender).',
  };
}

async function openRecord(deps: DigestDeps, id: string, scope: string, weekId: string): Promise<DigestSendDoc> {
  try {
    const created = await deps.models.digestSends.create({ _id: id, scope, weekId, state: 'building', messageId: `digest-card.${id}`, transport: 'teams', recipients: 1, createdAt: deps.clock() });
    return created.toObject() as DigestSendDoc;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const found = await deps.models.digestSends.findById(id).lean<DigestSendDoc>();
    if (!found) throw err;
    return found;
  }
}

/**
 * Posts the digest summary card to the school's governors' channel, once per school and week:
 * a unique insert of `<school>:teams:<week>` (state building) decides the record, a `sent` record ends it,
 * and an attempt fence (`<id>:<n>`, unique) keeps two instances from posting at the same moment.
 * Honest limit: the Bot Connector has no way to look up an earlier post by our id, so if the process dies
 * after Teams accepted the card but before the record says `sent`, the retry posts the card again
 * (at-least-once for that short window; exactly once otherwise).
 * No stored reference for the school's teams: nothing is recorded, a warning is logged and `skipped` returned,
 * so the job ends instead of retrying; the next week's run tries again.
 */
export async function postDigestCard(deps: DigestDeps, schoolId: string, week: IsoWeek, options: DigestCardOptions): Promise<DigestCardOutcome> {
  const school = findSchool(deps.config, schoolId);
  const channel = school.digest?.channel;
  if (!school.digest?.enabled || !channel) return { status: 'skipped', reason: 'no governors’ channel configured' };
  const weekId = formatIsoWeek(week);
  const scope = `${school.id}:teams`;
  const id = `${scope}:${weekId}`;
  const log = (options.logger ?? deps.logger).child({ schoolId: school.id, weekId, digest: id });

  const existing = await deps.models.digestSends.findById(id).lean<DigestSendDoc>();
  if (existing?.state === 'sent') return { status: 'already-sent', activityId: existing.providerMessageId ?? null };
  const governors = await options.poster.channel(school.id, channel.channelId);
  if (!governors) {
    log.warn(GOVERNORS_CHANNEL_UNREACHABLE);
    return { status: 'skipped', reason: GOVERNORS_CHANNEL_UNREACHABLE };
  }

  const record = await openRecord(deps, id, scope, weekId);
  if (record.state === 'sent') return { status: 'already-sent', activityId: record.providerMessageId ?? null };
  const { rendered } = await buildSchoolDigest(deps, school, week);
  const card = digestCardData(rendered.view, school);
  const attempts = await deps.models.digestSendAttempts.countDocuments({ sendId: id });
  try {
    await deps.models.digestSendAttempts.create({ _id: `${id}:${attempts + 1}`, sendId: id, n: attempts + 1, at: deps.clock(), by: deps.instanceId });
  } catch (err) {
    if (isDuplicateKey(err)) throw new ConcurrentSendError(id);
    throw err;
  }
  let activityId: string | undefined;
  try {
    activityId = await governors.postSummary(card);
  } catch (err) {
    await deps.models.digestSends.updateOne({ _id: id }, { $set: { lastError: (err as Error).message.slice(0, 500) } });
    throw err;
  }
  // A crash here (after Teams accepted the card) repeats the card on retry: see the doc comment.
  await deps.models.digestSends.updateOne({ _id: id }, { $set: { state: 'sent', providerMessageId: activityId ?? null, sentAt: deps.clock(), lastError: null } });
  log.info({ attempt: attempts + 1 }, 'Digest card posted to the governors’ channel');
  return { status: 'sent', activityId: activityId ?? null };
}
