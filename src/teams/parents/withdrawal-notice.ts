import type { Person } from '../../directory/person.js';
import type { WithdrawalNoticeSender } from '../../parents/ports.js';
import type { Models } from '../../stores.js';
import type { LanternConfig } from '../../config/load.js';
import { personalReference, type ProactiveSender } from '../send/proactive.js';
import { shownText, userText } from '../card-text.js';

/** The Teams side of withdrawal notices: a short message in the class teacher's chat with Lantern. */
export function createWithdrawalNoticeSender(deps: { config: LanternConfig; models: Pick<Models, 'people' | 'conversationRefs'>; sender: ProactiveSender }): WithdrawalNoticeSender {
  return {
    async tellTeacher(notice) {
      const teacher = await deps.models.people.findOne({ schoolId: notice.schoolId, personId: notice.teacherId, active: true }).lean<Person>();
      const reference = teacher ? await personalReference(deps.models, teacher) : null;
      if (!teacher || !reference) return 'not-installed';
      const timezone = deps.config.schools.find((s) => s.id === notice.schoolId)?.timezone ?? 'Europe/London';
      const when = notice.at.toLocaleString('en-GB', { day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', timeZone: timezone });
      // Directory names are shown as plain text, never as Markdown.
      const pupil = shownText(userText(notice.pupilName));
      const form = shownText(userText(notice.form));
      const text = `A parent of ${pupil} (${form}) withdrew consent on ${when}. Withdrawn: ${notice.what}. Please leave ${pupil} out of anything this covers from now on.`;
      await deps.sender.send(reference, { type: 'message', text });
      return 'sent';
    },
  };
}
