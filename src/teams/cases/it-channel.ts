import type { School } from '../../config/load.js';
import { formatWhen, SEVERITY_LABEL } from '../../cases/labels.js';
import { loadItMatter, type StoredItMatter } from '../../cases/it-matters.js';
import type { Severity } from '../../cases/case-model.js';
import type { PublishOutcome } from '../../cases/ports.js';
import { retryBusy } from '../../db/errors.js';
import { userText } from '../card-text.js';
import { cardMessage, renderCard, type AdaptiveCardJson } from '../cards.js';
import { createChannelPoster } from '../channel-poster.js';
import type { ChannelDeps } from './channel.js';

/** Renders the IT channel card of an IT matter; `canSend` is false once it has gone to the DSL. */
export function renderItCard(school: School, matter: StoredItMatter, notice?: string): AdaptiveCardJson {
  const sent = matter.sentToDsl;
  return renderCard('it-matter', {
    matterId: matter.matterId,
    number: matter.number,
    title: matter.family.replace(/[._]/g, ' '),
    summary: userText(matter.summary),
    severityLabel: SEVERITY_LABEL[matter.severity as Severity] ?? matter.severity,
    detectionCount: String(matter.detections.length),
    openedAt: formatWhen(matter.openedAt, school.timezone),
    // The IT team learns the case number to quote, never what the DSL does with it.
    statusLabel: sent
      ? userText(`Sent to the DSL as ${sent.number} by ${sent.by?.name ?? 'someone'} on ${formatWhen(sent.at, school.timezone)}`)
      : matter.closed ? userText(`Closed by ${matter.closed.by?.name ?? 'someone'} on ${formatWhen(matter.closed.at, school.timezone)}: ${matter.closed.reason ?? ''}`) : 'Open in the IT queue',
    hasNotice: Boolean(notice),
    notice: notice ?? '',
    canSend: !sent,
  });
}

async function markItPending(deps: ChannelDeps, school: School, matterId: string, reason: string): Promise<void> {
  await retryBusy(() => deps.stores.itMatters.updateOne({ schoolId: school.id, matterId }, { $set: { channelPending: true } }));
  deps.log.warn({ schoolId: school.id, matterId, reason }, 'IT matter card not posted to the IT channel; it is in the IT view and queued for the flush job');
}

/**
 * Posts an IT matter's card to the school's IT channel, or replaces the posted one. Never throws: without an
 * IT channel (or a team install) or when Teams refuses, the matter is marked pending and `queued` returned.
 */
export async function publishItMatterCard(deps: ChannelDeps, school: School, matterId: string): Promise<PublishOutcome> {
  try {
    const matter = await loadItMatter(deps.stores, school.id, matterId);
    if (!matter) return 'missing';
    const channelId = school.it?.channel?.channelId;
    const channel = channelId ? await createChannelPoster(deps.stores, deps.sender).reach(school.id, channelId) : undefined;
    if (!channel) {
      await markItPending(deps, school, matterId, channelId ? 'channel_unreachable' : 'no_it_channel');
      return 'queued';
    }
    const message = cardMessage(renderItCard(school, matter));
    const posted = matter.channelMessage as { activityId?: string } | null;
    if (posted?.activityId) {
      await channel.update(posted.activityId, message);
      if (matter.channelPending) await retryBusy(() => deps.stores.itMatters.updateOne({ schoolId: school.id, matterId }, { $set: { channelPending: false } }));
      return 'updated';
    }
    const activityId = await channel.post(message);
    await retryBusy(() => deps.stores.itMatters.updateOne(
      { schoolId: school.id, matterId },
      { $set: { channelPending: false, channelMessage: { activityId: activityId ?? null, conversationId: channel.reference.conversation.id } } },
    ));
    return 'posted';
  } catch {
    await markItPending(deps, school, matterId, 'post_failed').catch(() => undefined);
    return 'queued';
  }
}

/** Posts the IT cards still waiting, for schools that have an IT channel. */
export async function flushPendingItCards(deps: ChannelDeps): Promise<{ posted: number; stillQueued: number }> {
  let posted = 0;
  let stillQueued = 0;
  for (const school of deps.config.schools) {
    if (!school.it?.channel) continue;
    const pending = await deps.stores.itMatters.find({ schoolId: school.id, channelPending: true }).select({ matterId: 1 }).lean<{ matterId: string }[]>();
    for (const { matterId } of pending) {
      if ((await publishItMatterCard(deps, school, matterId)) === 'queued') stillQueued += 1;
      else posted += 1;
    }
  }
  return { posted, stillQueued };
}
