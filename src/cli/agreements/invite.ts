import { inviteSigner } from '../../agreements/invite.js';
import { SIGNER_ROLES, type SignerRole } from '../../agreements/signer-link-model.js';
import { revokeSignerLinks } from '../../agreements/signer-links.js';
import { createMailTransport } from '../../mail/index.js';
import type { CommandRun } from '../command.js';
import { usageError } from '../kit/args.js';
import { withCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { inviteOptions } from './commands.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** `lantern agreements invite`: email one person a single-use link to sign a policy's current version, or withdraw it. */
export const inviteToSign: CommandRun<typeof inviteOptions> = async ({ flags, usage }, io) => {
  const { policy, email } = flags;
  const dryRun = flags['dry-run'] === true;
  if (!policy) throw usageError('--policy ID is required: the agreement to sign, e.g. --policy visitor-aua.', usage);
  if (!email || !EMAIL.test(email)) throw usageError('--email ADDRESS is required: where to send the link, e.g. --email sam@contractor.example.', usage);
  const role = (flags.role ?? 'visitor') as SignerRole;
  if (!SIGNER_ROLES.includes(role)) throw usageError(`--role must be one of ${SIGNER_ROLES.join(', ')}.`, usage);
  const by = flags.by?.trim() ?? '';
  if (!by && !dryRun) throw usageError('--by NAME is required: who asked for this (kept with the link), e.g. --by "Ruth Okafor".', usage);
  return withCommandDatabase(io, { configFile: flags.config }, async (ctx) => {
    const school = pickSchool(ctx.config, flags.school);
    const now = new Date();
    if (flags.revoke) {
      if (dryRun) throw usageError('--revoke cannot be a dry run: it only stops unused links working.', usage);
      const n = await revokeSignerLinks(ctx.models, school.id, policy, email, by, now);
      io.out(`${n} unused link(s) for ${email} to sign ${policy} no longer work.`);
      return 0;
    }
    const publicUrl = ctx.config.server.publicUrl;
    if (!publicUrl) {
      io.err('server.publicUrl is not set: the emailed link must point at an address people can reach, e.g. https://lantern.northgate.sch.uk');
      return 2;
    }
    const invites = school.agreements?.invites;
    if (!dryRun && !invites?.sender) {
      io.err(`Set schools[].agreements.invites.sender for ${school.id}: the school address the links come from.`);
      return 2;
    }
    const sender = dryRun ? null : createMailTransport(invites?.transport ?? 'gmail', ctx.config.mail);
    const r = await inviteSigner(ctx.models, sender, { school, publicUrl, policyId: policy, email, name: flags.name, role, invitedBy: by || 'dry run', dryRun, now });
    io.out(
      r.sent
        ? `Sent ${email} a link to sign "${r.title}" (${r.versionId}); it works once, until ${r.expiresAt?.toISOString().slice(0, 10)}.`
        : `Dry run — nothing sent. ${email} would get a link to sign "${r.title}" (${r.versionId}).`,
    );
    return 0;
  });
};
