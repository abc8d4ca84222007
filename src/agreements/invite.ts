import type { School } from '../config/load.js';
import type { MailTransport } from '../mail/index.js';
import { composeSignerInvite } from './invite-mail.js';
import type { SignerRole } from './signer-link-model.js';
import { inviteVersion, issueSignerLink, type SignerLinkStores } from './signer-links.js';

/** One person to invite to sign, as the command gives it. */
export interface InviteRequest {
  school: School;
  publicUrl: string;
  policyId: string;
  email: string;
  name?: string | undefined;
  role: SignerRole;
  /** Who asked for the invitation (kept on the link). */
  invitedBy: string;
  dryRun: boolean;
  now: Date;
}

/** What an invitation did: the version it is for, and whether the email went. */
export interface InviteResult {
  versionId: string;
  title: string;
  sent: boolean;
  expiresAt: Date | null;
}

/**
 * Emails one single-use link to sign the policy's current version. A dry run checks the policy and says what would be
 * sent, storing nothing; a failed send leaves an unused link that simply expires.
 */
export async function inviteSigner(stores: SignerLinkStores, sender: Pick<MailTransport, 'send'> | null, req: InviteRequest): Promise<InviteResult> {
  const version = await inviteVersion(stores, req.school.id, req.policyId);
  const from = req.school.agreements?.invites?.sender;
  if (req.dryRun || !sender || !from) return { versionId: version._id, title: version.title, sent: false, expiresAt: null };
  const { token, link } = await issueSignerLink(
    stores,
    { schoolId: req.school.id, policyId: req.policyId, email: req.email, name: req.name, role: req.role, invitedBy: req.invitedBy, days: req.school.agreements?.invites?.linkDays },
    req.now,
  );
  const raw = await composeSignerInvite({
    from,
    to: link.email,
    name: link.name ?? null,
    schoolName: req.school.name,
    title: version.title,
    link: `${req.publicUrl.replace(/\/$/, '')}/sign/link/${token}`,
    expiresAt: link.expiresAt,
  });
  await sender.send(raw, from);
  return { versionId: version._id, title: version.title, sent: true, expiresAt: link.expiresAt };
}
