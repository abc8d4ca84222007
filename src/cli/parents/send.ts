import { academicYearIn, calendarOf } from '../../agreements/academic-year.js';
import { createLogger } from '../../log/logger.js';
import { createMailTransport } from '../../mail/index.js';
import { sendParentLinks } from '../../parents/invite.js';
import type { CommandRun } from '../command.js';
import { usageError } from '../kit/args.js';
import { withCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { sendOptions } from './commands.js';

/** The default round name: one consent round per academic year, from the school's own year start. */
export function academicYearRound(now: Date, school: Parameters<typeof calendarOf>[0]): string {
  return `consent-${academicYearIn(now, calendarOf(school))}`;
}

/** `lantern parents send`: emails each linked parent a single-use consent (or review) link, once per round. */
export const sendParentInvites: CommandRun<typeof sendOptions> = async ({ flags, usage }, io) => {
  // Emailing every parent is a decision someone at the school takes: their name is kept with the round.
  const approvedBy = flags.by?.trim() ?? '';
  const dryRun = flags['dry-run'] === true;
  if (!approvedBy && !dryRun) throw usageError('--by NAME is required: the name of the person who approved this send, e.g. --by "Ruth Okafor" (not needed with --dry-run).', usage);
  return withCommandDatabase(io, {}, async (ctx) => {
    const school = pickSchool(ctx.config, flags.school);
    const publicUrl = ctx.config.server.publicUrl;
    if (!publicUrl) {
      io.err('server.publicUrl is not set: the emailed links must point at an address parents can reach, e.g. https://lantern.northgate.sch.uk');
      return 2;
    }
    if (!dryRun && !school.parents?.sender) {
      io.err(`Set schools[].parents.sender for ${school.id}: the school address the consent emails come from.`);
      return 2;
    }
    const sender = dryRun ? null : createMailTransport(school.parents?.transport ?? 'gmail', ctx.config.mail);
    const now = new Date();
    const purpose = flags.review === true ? 'review' : 'consent';
    const round = flags.round ?? (purpose === 'review' ? `review-${now.toISOString().slice(0, 10)}` : academicYearRound(now, school));
    const r = await sendParentLinks(ctx.models, sender, { school, publicUrl, round, purpose, step: 0, now, dryRun, ...(approvedBy ? { approvedBy } : {}) }, createLogger({ level: 'warn' }));
    io.out(`${round}: ${dryRun ? `${r.wouldSend} would be sent` : `${r.sent} sent`}, ${r.already} already sent, ${r.failed} failed${dryRun ? '' : ` (approved by ${approvedBy})`}`);
    return r.failed ? 1 : 0;
  });
};
