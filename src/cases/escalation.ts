import type { ConversationReference } from '@microsoft/agents-activity';
import type { LanternConfig, School } from '../config/load.js';
import type { Person } from '../directory/person.js';
import type { Logger } from '../log/logger.js';
import { cardMessage, renderCard } from '../teams/cards.js';
import { applyChange } from './act.js';
import { dslChannelReference, publishCaseCard } from '../teams/cases/channel.js';
import type { EscalateJobData } from './escalation-queue.js';
import { CATEGORY_LABEL, formatWhen, SEVERITY_LABEL } from './labels.js';
import type { ProactiveSender } from '../teams/send/proactive.js';
import { caseSettings } from './settings.js';
import { loadCase, type CaseStores } from './store.js';
import { LANTERN_ACTOR } from './timeline-model.js';

/** What the escalation job needs. */
export interface EscalationDeps {
  config: LanternConfig;
  stores: CaseStores;
  sender: ProactiveSender;
  logger: Logger;
  clock: () => Date;
}

/** The deputy DSL of a school (or, without one, the DSL). */
function deputyOf(school: School): string | undefined {
  return (school.dsl.members.find((m) => m.role === 'deputy') ?? school.dsl.members.find((m) => m.role === 'dsl'))?.email;
}

async function notifyDeputy(deps: EscalationDeps, school: School, caseId: string): Promise<{ personal: boolean; channel: boolean }> {
  const loaded = await loadCase(deps.stores, school.id, caseId);
  const email = deputyOf(school);
  if (!loaded || !email) return { personal: false, channel: false };
  const deputy = await deps.stores.people.findOne({ schoolId: school.id, email }).lean<Person>();
  const name = deputy?.displayName ?? email;
  const minutes = caseSettings(school).escalateAfterMinutes;
  const contacts = caseSettings(school).outOfHoursContacts.map((c) => `${c.name} ${c.phone}`).join('; ');
  const card = renderCard('case-escalation', {
    title: `A ${SEVERITY_LABEL[loaded.state.severity].toLowerCase()}-severity case has not been acknowledged`,
    message: `Case ${loaded.doc.number} was opened ${minutes} minutes ago and nobody in the DSL team has acknowledged it yet, so it has been escalated to you.`,
    number: loaded.doc.number,
    severityLabel: SEVERITY_LABEL[loaded.state.severity],
    categoryLabel: CATEGORY_LABEL[loaded.state.category],
    openedAt: formatWhen(loaded.doc.openedAt, school.timezone),
    hasContacts: contacts.length > 0,
    contacts,
  });
  let personal = false;
  const personalRef = deputy?.aadObjectId ? await deps.stores.conversationRefs.findOne({ scope: 'personal', aadObjectId: deputy.aadObjectId, installed: true }).lean() : null;
  if (personalRef) {
    await deps.sender.send(personalRef.reference as ConversationReference, cardMessage(card));
    personal = true;
  } else deps.logger.warn({ schoolId: school.id, number: loaded.doc.number }, 'deputy DSL has not installed Lantern in personal chat: escalation shown in the channel only');
  let channel = false;
  const channelRef = await dslChannelReference(deps.stores, school);
  if (channelRef) {
    const mention = `<at>${name}</at>`;
    await deps.sender.send(channelRef, {
      type: 'message',
      text: `${mention} case ${loaded.doc.number} (${SEVERITY_LABEL[loaded.state.severity].toLowerCase()}) has not been acknowledged within ${minutes} minutes and is escalated to you.`,
      entities: [{ type: 'mention', text: mention, mentioned: { id: deputy?.aadObjectId ?? email, name } }],
    } as never);
    await publishCaseCard({ ...deps, log: deps.logger }, school, caseId);
    channel = true;
  }
  return { personal, channel };
}

/**
 * The escalation job of one case. The decision is a timeline entry (unique insert), so however many runs
 * race or repeat after a restart, the case is escalated once; the deputy is told by the run that finds the
 * escalation recorded but not yet notified (`deputyNotifiedAt`), so a crash between the two is finished
 * by the retry rather than dropped.
 */
export async function runEscalation(data: EscalateJobData, deps: EscalationDeps): Promise<Record<string, unknown>> {
  const school = deps.config.schools.find((s) => s.id === data.schoolId);
  if (!school) return { skipped: 'school no longer configured' };
  const result = await applyChange(
    deps.stores,
    school.id,
    data.caseId,
    LANTERN_ACTOR,
    (state) => {
      if (state.status !== 'new') return { ok: false, reason: 'acknowledged in time' };
      if (state.escalatedToDeputyAt) return { ok: false, reason: 'already escalated' };
      return { ok: true, action: 'escalated-to-deputy', after: { escalatedToDeputyAt: deps.clock() }, note: null };
    },
    deps.clock,
  );
  if (!result.ok && result.reason !== 'already escalated') return { skipped: result.reason };
  const doc = await deps.stores.cases.findOne({ schoolId: school.id, caseId: data.caseId }).lean();
  if (doc?.deputyNotifiedAt) return { skipped: 'deputy already told' };
  const told = await notifyDeputy(deps, school, data.caseId);
  await deps.stores.cases.updateOne({ schoolId: school.id, caseId: data.caseId }, { $set: { deputyNotifiedAt: deps.clock() } });
  deps.logger.info({ schoolId: school.id, number: doc?.number, ...told }, 'case escalated to the deputy DSL');
  return { escalated: true, ...told };
}
