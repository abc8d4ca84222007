import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { RenderedDigest } from './assemble.js';

/** The envelope of one digest email. */
export interface DigestEnvelope {
  from: string;
  to: readonly string[];
  /** Deterministic Message-ID, e.g. <digest.northgate.2026-W47@northgate.example>, so a retry can be found in Sent. */
  messageId: string;
  date: Date;
}

/** The deterministic Message-ID of a school's digest for a week: the same on every attempt. */
export function digestMessageId(scope: string, weekId: string, sender: string): string {
  const domain = sender.split('@')[1] ?? 'lantern.invalid';
  return `<digest.${scope}.${weekId}@${domain}>`;
}

/** Builds the RFC 822 message: text and HTML alternatives, charts inline by Content-ID. */
export async function composeDigestMime(digest: RenderedDigest, envelope: DigestEnvelope): Promise<Buffer> {
  const composer = new MailComposer({
    from: envelope.from,
    to: [...envelope.to],
    subject: digest.subject,
    messageId: envelope.messageId,
    date: envelope.date,
    text: digest.text,
    html: digest.html,
    attachments: digest.images.map((img) => ({ filename: img.file, content: img.png, contentType: 'image/png', cid: img.cid, contentDisposition: 'inline' as const })),
    headers: { 'Auto-Submitted': 'auto-generated' },
  });
  return composer.compile().build();
}
