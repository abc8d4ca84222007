import MailComposer from 'nodemailer/lib/mail-composer/index.js';

/**
 * What the parent emails need from a mail sender: the `MailTransport` of src/mail (Gmail API with domain-wide
 * delegation, or Graph sendMail) satisfies it, and tests can pass a stand-in server's transport the same way.
 */
export interface ParentMailSender {
  send(raw: Buffer, sender: string): Promise<{ providerMessageId: string | null }>;
}

/** The parts of a parent email. */
export interface ParentEmail {
  from: string;
  to: string;
  schoolName: string;
  childFirstName: string;
  link: string;
  expiresAt: Date;
  purpose: 'consent' | 'review';
  reminder: boolean;
}

/** Builds the RFC 822 message: plain words, the link on its own line, and when it stops working. */
export async function composeParentEmail(email: ParentEmail): Promise<Buffer> {
  const until = email.expiresAt.toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'Europe/London' });
  const subject =
    email.purpose === 'review'
      ? `Check or change your consent for ${email.childFirstName} – ${email.schoolName}`
      : `${email.reminder ? 'Reminder: ' : ''}Please give your answers for ${email.childFirstName} – ${email.schoolName}`;
  const ask =
    email.purpose === 'review'
      ? `You can check the consent you gave for ${email.childFirstName}, and change or withdraw it, here:`
      : `Please tell us whether ${email.childFirstName} may use the internet at school and appear in photos on our website${email.reminder ? '. We have not had your answers yet' : ''}:`;
  const text = [
    'Dear parent or carer,',
    '',
    ask,
    '',
    email.link,
    '',
    `The link works once and until ${until}. Please do not forward this email: the link is just for you.`,
    '',
    email.schoolName,
  ].join('\n');
  const message = new MailComposer({ from: email.from, to: email.to, subject, text });
  return message.compile().build();
}
