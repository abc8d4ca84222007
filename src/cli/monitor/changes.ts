import { ErrorCode, LanternError } from '../../errors.js';
import { describeChange, type ChangeWhat } from '../../monitoring/changes.js';
import type { CommandRun } from '../command.js';
import { openCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { changesOptions } from './commands.js';

/** `lantern monitor changes`: the append-only log of rule, threshold, suppression and allowlist changes. */
export const listChanges: CommandRun<typeof changesOptions> = async ({ flags }, io) => {
    const limitText = flags.limit ?? '50';
    if (!/^\d+$/.test(limitText) || Number(limitText) < 1) throw new LanternError(ErrorCode.UsageError, `--limit must be a whole number of entries, e.g. 20; got "${limitText}".`);
    const ctx = await openCommandDatabase(io);
    try {
      const school = pickSchool(ctx.config, flags.school);
      const newest = await ctx.models.monitoringChanges.find({ schoolId: school.id }).sort({ seq: -1 }).limit(Number(limitText)).lean();
      const entries = newest.reverse();
      if (flags.json) {
        for (const e of entries) io.out(JSON.stringify({ seq: e.seq, at: e.at.toISOString(), who: e.who, why: e.why, what: e.what }));
        return 0;
      }
      if (entries.length === 0) {
        io.out(`No monitoring settings of ${school.id} have been changed; every rule runs with its defaults.`);
        return 0;
      }
      for (const e of entries) {
        io.out(`#${e.seq} ${e.at.toISOString().slice(0, 16).replace('T', ' ')} ${describeChange({ at: e.at.toISOString(), who: e.who, why: e.why, what: e.what as ChangeWhat }).slice(11)}`);
      }
      return 0;
    } finally {
      await ctx.close();
    }
};
