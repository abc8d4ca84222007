import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { LanternConfig, School } from '../config/load.js';
import { createMailTransport, type MailTransport } from '../mail/index.js';

/** The mailbox short notices (IT matters, escalation) are sent from: the digest's sender, else the parents' one. */
export function noticeSender(school: School): { sender: string; transport: 'gmail' | 'graph' } | undefined {
  if (school.digest?.sender) return { sender: school.digest.sender, transport: school.digest.transport };
  if (school.parents?.sender) return { sender: school.parents.sender, transport: school.parents.transport };
  return undefined;
}

/** A short plain-text notice: who it is to, the subject and the lines (never a pupil's name or an item's title). */
export interface Notice {
  to: string;
  subject: string;
  lines: readonly string[];
}

/**
 * Sends a notice as the school's sender mailbox. Throws when the school has no sender configured or the
 * provider refuses, so the caller records a failure and tries again.
 */
export async function sendNotice(config: LanternConfig, school: School, notice: Notice, transport?: MailTransport): Promise<{ providerMessageId: string | null }> {
  const from = noticeSender(school);
  if (!from) throw new Error('no sender mailbox: set digest.sender (or parents.sender) for this school');
  const raw = await new MailComposer({ from: from.sender, to: notice.to, subject: notice.subject, text: [...notice.lines, '', `Lantern, ${school.name}`].join('\n') }).compile().build();
  return (transport ?? createMailTransport(from.transport, config.mail)).send(raw, from.sender);
}
