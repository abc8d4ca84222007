import type { Person } from '../../directory/person.js';
import type { TrainingReminderSender } from '../../records/ports.js';
import type { Models } from '../../stores.js';
import { localDate } from '../../agreements/state.js';
import type { LanternConfig } from '../../config/load.js';
import { personalReference, type ProactiveSender } from '../send/proactive.js';

/** The Teams side of training reminders: a short message in the person's chat with Lantern. */
export function createTrainingReminderSender(deps: { config: LanternConfig; models: Pick<Models, 'people' | 'conversationRefs'>; sender: ProactiveSender }): TrainingReminderSender {
  return {
    async remind(reminder) {
      const person = await deps.models.people.findOne({ schoolId: reminder.schoolId, personId: reminder.personId, active: true }).lean<Person>();
      const reference = person ? await personalReference(deps.models, person) : null;
      if (!person || !reference) return 'not-installed';
      const timezone = deps.config.schools.find((s) => s.id === reminder.schoolId)?.timezone ?? 'Europe/London';
      const text = `Your ${reminder.label.toLowerCase()} training runs out on ${localDate(reminder.expiresOn, timezone)}. Please book the next session and send the certificate to the DSL so it can be recorded.`;
      await deps.sender.send(reference, { type: 'message', text });
      return 'sent';
    },
  };
}
