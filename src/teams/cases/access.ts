import type { School } from '../../config/load.js';
import type { Actor } from '../../cases/timeline-model.js';
import { renderCard, type AdaptiveCardJson } from '../cards.js';
import type { Sender } from '../identify.js';

/** The DSL team member behind a sender, or undefined when the sender is not on the school's DSL team. */
export function dslActor(sender: Sender): (Actor & { school: School }) | undefined {
  const { person, school } = sender;
  if (!person?.email || !school || !sender.isDsl) return undefined;
  if (!school.dsl.members.some((m) => m.email === person.email)) return undefined;
  return { email: person.email, name: person.displayName, school };
}

/** How the log names someone who is not (or not yet) recognised. */
export function whoOf(sender: Sender, aadObjectId: string | undefined): string {
  return sender.person?.email ?? (aadObjectId ? `aad:${aadObjectId}` : 'unknown');
}

/** The polite card for anyone who is not on the school's DSL team. */
export function refusedCard(schoolName: string | undefined): AdaptiveCardJson {
  return renderCard('case-refused', {
    title: 'This case is for the DSL team only',
    message: `Only members of ${schoolName ?? 'the school'}'s safeguarding (DSL) team can open or change cases. Your attempt has been recorded, as every view of a case is.`,
    next: 'If you have a concern about a child, type **report a concern** in your chat with Lantern, or speak to the DSL in person.',
  });
}
