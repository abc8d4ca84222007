import { runRetentionReview } from '../../cases/retention-job.js';
import { createLogger } from '../../log/logger.js';
import type { CommandRun } from '../command.js';
import { withCommandDatabase } from '../kit/db.js';
import type { retentionOptions } from './commands.js';

/** `lantern cases retention`: shows (or, with --apply, carries out) the retention review now. */
export const reviewRetention: CommandRun<typeof retentionOptions> = ({ flags }, io) =>
  withCommandDatabase(io, {}, async (ctx) => {
    const now = new Date();
    if (!flags.apply) {
      const due = await ctx.models.cases.find({ status: 'closed', retentionUntil: { $lte: now } }).select({ number: 1, legalHold: 1 }).lean();
      for (const c of due) io.out(`${c.number}: ${c.legalHold ? 'on legal hold — kept' : 'would be deleted'}`);
      io.out(`${due.filter((c) => !c.legalHold).length} case(s) would be deleted. Run again with --apply to delete them.`);
      return 0;
    }
    const result = await runRetentionReview({ stores: ctx.models, config: ctx.config, clock: () => now, logger: createLogger({ level: 'silent' }) });
    io.out(`${result.deleted} case(s) deleted; ${result.held} kept on legal hold.`);
    return 0;
  });
