import MailComposer from 'nodemailer/lib/mail-composer/index.js';

/** The parts of an email asking someone without a school Teams account to sign an agreement. */
export interface SignerInviteEmail {
  from: string;
  to: string;
  name: string | null;
  schoolName: string;
  title: string;
  link: string;
  expiresAt: Date;
}

/** Builds the RFC 822 message: plain words, the link on its own line, and when it stops working. */
export async function composeSignerInvite(email: SignerInviteEmail): Promise<Buffer> {
  const until = email.expiresAt.toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'Europe/London' });
  const text = [
    email.name ? `Dear ${email.name},` : 'Hello,',
    '',
    `${email.schoolName} asks everyone who works with our pupils to read and sign "${email.title}". You can read it and sign here:`,
    '',
    email.link,
    '',
    `The link works once and until ${until}. Please do not forward this email: the link is just for you.`,
    '',
    email.schoolName,
  ].join('\n');
  const message = new MailComposer({ from: email.from, to: email.to, subject: `Please sign: ${email.title} – ${email.schoolName}`, text });
  return message.compile().build();
}
