import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { School } from '../config/load.js';
import type { BreachNoticeKind } from './breach-notice-model.js';
import type { Category } from './case-model.js';
import { CATEGORY_LABEL, formatWhen } from './labels.js';
import type { BreachHow } from './state.js';

/** What the DPO's email may say: the case number, category, how and when the clock started, the deadline. Never what happened. */
export interface BreachEmail {
  school: School;
  from: string;
  kind: BreachNoticeKind;
  number: string;
  category: Category;
  how: BreachHow | null;
  clockStart: Date;
  deadline: Date;
  /** The case's dashboard page, when Lantern has a public address. */
  link: string | null;
}

const OPENING: Record<BreachNoticeKind, string> = {
  told: 'needs your decision',
  '48h': 'still needs your decision: 24 hours are left',
  '66h': 'still needs your decision: 6 hours are left',
};

/** Builds the RFC 822 message to the DPO, in plain words. */
export async function composeBreachEmail(email: BreachEmail): Promise<Buffer> {
  const dpo = email.school.dpo;
  if (!dpo) throw new Error('composeBreachEmail: the school has no DPO configured');
  const tz = email.school.timezone;
  const deadline = formatWhen(email.deadline, tz);
  const subject = `${email.kind === 'told' ? '' : 'Reminder: '}Possible personal-data breach ${email.number} at ${email.school.name} – decide by ${deadline}`;
  const how = email.how === 'manual' ? 'marked as a possible personal-data breach by the DSL team' : 'spotted by Lantern monitoring (pupil data shared outside the school)';
  const text = [
    `Dear ${dpo.name},`,
    '',
    `Case ${email.number} at ${email.school.name} may be a personal-data breach and ${OPENING[email.kind]}.`,
    '',
    `Category: ${CATEGORY_LABEL[email.category]}`,
    `The 72-hour clock started: ${formatWhen(email.clockStart, tz)} (${how})`,
    `Decide, and report to the ICO if it must be reported, by: ${deadline}`,
    '',
    'This email does not say what happened. The DSL team can show you the case.',
    ...(email.link ? ['', `The case (DSL team sign-in): ${email.link}`] : []),
    '',
    'Record the decision in Teams: type "breaches" in your chat with Lantern and use the card (it shows only this breach, never the case).',
    'Or on the case card in the DSL channel, on the dashboard, or with:',
    `  lantern cases breach-decision ${email.number} --reported --ico-ref REFERENCE --date YYYY-MM-DD --by ${dpo.email}`,
    `  lantern cases breach-decision ${email.number} --not-reported --reason "WHY" --by ${dpo.email}`,
    '',
    'Lantern',
  ].join('\n');
  return new MailComposer({ from: email.from, to: dpo.email, subject, text }).compile().build();
}
