import { runRetentionReview, setLegalHold } from '../../cases/retention-job.js';
import { createLogger } from '../../log/logger.js';
import type { CliCommand } from '../command.js';
import { openCasesDatabase, readFlags } from '../kit/db.js';
import { resolveDslCaller } from './export.js';

const HOLD_USAGE = 'lantern cases hold CASE_NUMBER (--on | --off) --reason TEXT --as DSL_EMAIL [--school ID]';

/** `lantern cases hold`: puts a case on legal hold (kept past its retention date) or lifts the hold. */
export const casesHoldCommand: CliCommand = {
  summary: 'Put a case on legal hold, or lift the hold (DSL only; recorded on the timeline)',
  usage: HOLD_USAGE,
  async run(args, io) {
    const [number, ...rest] = args;
    const flags = readFlags(rest, { '--on': 'bool', '--off': 'bool', '--reason': 'value', '--as': 'value', '--school': 'value' });
    if (!number || number.startsWith('--') || typeof flags === 'string' || Boolean(flags['--on']) === Boolean(flags['--off'])) {
      io.err(`${typeof flags === 'string' ? flags : 'Give the case number and one of --on or --off'}\nUsage: ${HOLD_USAGE}`);
      return 2;
    }
    const ctx = await openCasesDatabase(io);
    try {
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
      const result = await setLegalHold(ctx.models, caller.school.id, found.caseId, caller.actor, Boolean(flags['--on']), String(flags['--reason'] ?? ''), () => new Date());
      if (!result.ok) {
        io.err(result.reason);
        return 1;
      }
      io.out(`${found.number}: legal hold ${flags['--on'] ? 'on' : 'off'}.`);
      return 0;
    } finally {
      await ctx.close();
    }
  },
};

/** `lantern cases retention`: shows (or, with --apply, carries out) the retention review now. */
export const casesRetentionCommand: CliCommand = {
  summary: 'Delete closed cases past their retention date and not on legal hold (dry run unless --apply)',
  usage: 'lantern cases retention [--apply]',
  async run(args, io) {
    const flags = readFlags(args, { '--apply': 'bool' });
    if (typeof flags === 'string') {
      io.err(`${flags}\nUsage: lantern cases retention [--apply]`);
      return 2;
    }
    const ctx = await openCasesDatabase(io);
    try {
      const now = new Date();
      if (!flags['--apply']) {
        const due = await ctx.models.cases.find({ status: 'closed', retentionUntil: { $lte: now } }).select({ number: 1, legalHold: 1 }).lean();
        for (const c of due) io.out(`${c.number}: ${c.legalHold ? 'on legal hold — kept' : 'would be deleted'}`);
        io.out(`${due.filter((c) => !c.legalHold).length} case(s) would be deleted. Run again with --apply to delete them.`);
        return 0;
      }
      const result = await runRetentionReview({ stores: ctx.models, config: ctx.config, clock: () => now, logger: createLogger({ level: 'silent' }) });
      io.out(`${result.deleted} case(s) deleted; ${result.held} kept on legal hold.`);
      return 0;
    } finally {
      await ctx.close();
    }
  },
};
