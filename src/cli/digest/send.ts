import { sendSchoolDigest } from '../../digest/run.js';
import { formatIsoWeek } from '../../digest/week.js';
import { ErrorCode, LanternError } from '../../errors.js';
import type { CommandRun } from '../command.js';
import { pickSchool } from '../kit/school.js';
import type { sendOptions } from './commands.js';
import { openDigestContext, weekOption } from './options.js';

/**
 * `lantern digest send`: sends a school's digest for a week now, by the school's transport. The same
 * once-per-week record as the schedule applies, so a week already sent is not sent again.
 */
export const sendDigest: CommandRun<typeof sendOptions> = async ({ flags, usage }, io) => {
  if (!flags.school) throw new LanternError(ErrorCode.UsageError, `--school is required. Usage: ${usage}`);
  if (!flags.week) {
    io.err(`--week is required for a manual send (e.g. --week 2026-W47). Usage: ${usage}`);
    return 2;
  }
  const ctx = await openDigestContext(io, flags.config);
  try {
    const school = pickSchool(ctx.config, flags.school);
    const week = weekOption(flags.week, school.timezone, new Date());
    const outcome = await sendSchoolDigest({ ...ctx, clock: () => new Date() }, school.id, week);
    const said = { sent: 'sent', reconciled: 'had already been sent (found in the sender’s sent mail); not sent again', 'already-sent': 'had already been sent; not sent again' }[outcome.status];
    io.out(`${school.name} digest for ${formatIsoWeek(week)} ${said}.`);
    return 0;
  } finally {
    await ctx.close();
  }
};
