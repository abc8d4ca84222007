import type { ConversationReference } from '@microsoft/agents-activity';
import type { School } from '../../config/load.js';
import type { Person } from '../../directory/person.js';
import { CATEGORY_LABEL, formatWhen, SEVERITY_LABEL } from '../../cases/labels.js';
import { caseSettings } from '../../cases/settings.js';
import { loadCase } from '../../cases/store.js';
import { cardMessage, renderCard } from '../cards.js';
import { dslChannel, publishCaseCard, type ChannelDeps } from './channel.js';

/** The deputy DSL of a school (or, without one, the DSL). */
function deputyOf(school: School): string | undefined {
  return (school.dsl.members.find((m) => m.role === 'deputy') ?? school.dsl.members.find((m) => m.role === 'dsl'))?.email;
}

/** Tells the deputy DSL about an escalated case: their personal chat, and a mention in the DSL channel with the card refreshed. */
export async function notifyDeputy(deps: ChannelDeps, school: School, caseId: string): Promise<{ personal: boolean; channel: boolean }> {
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
  } else deps.log.warn({ schoolId: school.id, number: loaded.doc.number }, 'deputy DSL has not installed Lantern in personal chat: escalation shown in the channel only');
  let channel = false;
  const dsl = await dslChannel(deps, school);
  if (dsl) {
    const mention = `<at>${name}</at>`;
    await dsl.post({
      type: 'message',
      text: `${mention} case ${loaded.doc.number} (${SEVERITY_LABEL[loaded.state.severity].toLowerCase()}) has not been acknowledged within ${minutes} minutes and is escalated to you.`,
      entities: [{ type: 'mention', text: mention, mentioned: { id: deputy?.aadObjectId ?? email, name } }],
    } as never);
    await publishCaseCard(deps, school, caseId);
    channel = true;
  }
  return { personal, channel };
}

