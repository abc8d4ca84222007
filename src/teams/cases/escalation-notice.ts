import type { ConversationReference } from '@microsoft/agents-activity';
import type { School } from '../../config/load.js';
import type { Person } from '../../directory/person.js';
import { CATEGORY_LABEL, formatWhen, SEVERITY_LABEL } from '../../cases/labels.js';
import type { LadderRung } from '../../cases/ports.js';
import { caseSettings } from '../../cases/settings.js';
import { loadCase } from '../../cases/store.js';
import { cardMessage, renderCard } from '../cards.js';
import { dslChannel, publishCaseCard, type ChannelDeps } from './channel.js';

/**
 * Tells one person on the escalation ladder about an unacknowledged case: the escalation card (with an
 * Acknowledge button) in their personal chat, and, for a member of the DSL team, a mention in the DSL channel
 * with the card refreshed. Says which of the two reached them; a send that fails counts as not reached.
 */
export async function notifyOnLadder(deps: ChannelDeps, school: School, caseId: string, rung: LadderRung): Promise<{ personal: boolean; channel: boolean; name: string }> {
  const loaded = await loadCase(deps.stores, school.id, caseId);
  const person = await deps.stores.people.findOne({ schoolId: school.id, email: rung.email }).lean<Person>();
  const name = person?.displayName ?? rung.email;
  if (!loaded) return { personal: false, channel: false, name };
  const minutes = caseSettings(school).escalateAfterMinutes;
  const contacts = caseSettings(school).outOfHoursContacts.map((c) => `${c.name} ${c.phone}`).join('; ');
  const card = renderCard('case-escalation', {
    caseId,
    title: `A ${SEVERITY_LABEL[loaded.state.severity].toLowerCase()}-severity case has not been acknowledged`,
    message: `Case ${loaded.doc.number} was opened more than ${minutes} minutes ago and nobody has acknowledged it yet, so it has been escalated to you (${rung.role}).`,
    number: loaded.doc.number,
    severityLabel: SEVERITY_LABEL[loaded.state.severity],
    categoryLabel: CATEGORY_LABEL[loaded.state.category],
    openedAt: formatWhen(loaded.doc.openedAt, school.timezone),
    hasContacts: contacts.length > 0,
    contacts,
  });
  let personal = false;
  const personalRef = person?.aadObjectId ? await deps.stores.conversationRefs.findOne({ scope: 'personal', aadObjectId: person.aadObjectId, installed: true }).lean() : null;
  if (personalRef) {
    personal = await deps.sender.send(personalRef.reference as ConversationReference, cardMessage(card)).then(() => true, () => false);
  }
  if (!personal) deps.log.warn({ schoolId: school.id, number: loaded.doc.number, role: rung.role }, 'escalation not delivered to a personal chat (Lantern not installed there, or the send failed)');
  let channel = false;
  const dsl = school.dsl.members.some((m) => m.email === rung.email) ? await dslChannel(deps, school) : undefined;
  if (dsl) {
    const mention = `<at>${name}</at>`;
    channel = await dsl.post({
      type: 'message',
      text: `${mention} case ${loaded.doc.number} (${SEVERITY_LABEL[loaded.state.severity].toLowerCase()}) has not been acknowledged within ${minutes} minutes and is escalated to you.`,
      entities: [{ type: 'mention', text: mention, mentioned: { id: person?.aadObjectId ?? rung.email, name } }],
    } as never).then(() => true, () => false);
    if (channel) await publishCaseCard(deps, school, caseId);
  }
  return { personal, channel, name };
}
