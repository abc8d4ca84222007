import { sendSchoolDigest, findSchool } from '../../digest/run.js';
import { formatIsoWeek } from '../../digest/week.js';
import type { CliCommand } from '../command.js';
import { openDigestContext, schoolOption, weekOption } from './options.js';

const USAGE = 'lantern digest send --school ID --week 2026-W47 [--config FILE]';

/**
 * `lantern digest send`: sends a school's digest for a week now, by the school's transport. The same
 * once-per-week record as the schedule applies, so a week already sent is not sent again.
 */
export const digestSendCommand: CliCommand = {
  summary: "Send a school's governors' digest for a week now (once per week, like the schedule)",
  usage: USAGE,
  async run(args, io) {
    const schoolId = schoolOption(args, USAGE);
    if (!args.includes('--week')) {
      io.err(`--week is required for a manual send (e.g. --week 2026-W47). Usage: ${USAGE}`);
      return 2;
    }
    const ctx = await openDigestContext(args, io);
    try {
      const school = findSchool(ctx.config, schoolId);
      const week = weekOption(args, school.timezone, new Date());
      const outcome = await sendSchoolDigest({ ...ctx, clock: () => new Date() }, school.id, week);
      const said = { sent: 'sent', reconciled: 'had already been sent (found in the sender’s sent mail); not sent again', 'already-sent': 'had already been sent; not sent again' }[outcome.status];
      io.out(`${school.name} digest for ${formatIsoWeek(week)} ${said}.`);
      return 0;
    } finally {
      await ctx.close();
    }
  },
};
