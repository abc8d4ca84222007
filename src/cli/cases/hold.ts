import { setLegalHold } from '../../cases/retention-job.js';
import type { CommandRun } from '../command.js';
import { usageError } from '../kit/args.js';
import { withCommandDatabase } from '../kit/db.js';
import type { holdOptions } from './commands.js';
import { resolveDslCaller } from './dsl-caller.js';

/** `lantern cases hold`: puts a case on legal hold (kept past its retention date) or lifts the hold. */
export const setCaseHold: CommandRun<typeof holdOptions> = async ({ flags, positionals, usage }, io) => {
  const number = positionals[0];
  if (!number || positionals.length > 1 || Boolean(flags.on) === Boolean(flags.off)) throw usageError('Give the case number and one of --on or --off', usage);
  return withCommandDatabase(io, {}, async (ctx) => {
    const caller = await resolveDslCaller(ctx.config, ctx.models, flags);
    if (typeof caller === 'string') {
      io.err(caller);
      return 2;
    }
    const found = await ctx.models.cases.findOne({ schoolId: caller.school.id, number: number.toUpperCase() }).lean();
    if (!found) {
      io.err(`No case ${number} at ${caller.school.name}.`);
      return 2;
    }
    const result = await setLegalHold(ctx.models, caller.school.id, found.caseId, caller.actor, Boolean(flags.on), flags.reason ?? '', () => new Date());
    if (!result.ok) {
      io.err(result.reason);
      return 1;
    }
    io.out(`${found.number}: legal hold ${flags.on ? 'on' : 'off'}.`);
    return 0;
  });
};
