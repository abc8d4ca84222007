import { isLanternError } from '../../errors.js';
import { runDirectorySync, type DirectorySyncSummary } from '../../directory/run-sync.js';
import type { DirectoryReadProgress } from '../../directory/source.js';
import type { CliIO, CommandRun } from '../command.js';
import { openCommandDatabase } from '../kit/db.js';
import { schoolsNamed } from '../kit/school.js';
import type { syncOptions } from './commands.js';

/** A progress line on stderr: rewritten in place on a terminal, one line per page otherwise. */
function progressLine(io: CliIO, schoolId: string, tty: boolean) {
  let shown = false;
  return {
    update(p: DirectoryReadProgress) {
      const line = `${schoolId}: ${p.read} users read, ${p.mapped} mapped, ${p.skipped} skipped`;
      if (tty) {
        process.stderr.write(`\r${line}`);
        shown = true;
      } else io.err(line);
    },
    done() {
      if (shown) process.stderr.write('\n');
      shown = false;
    },
  };
}

function describe(s: DirectorySyncSummary): string {
  const verb = s.dryRun ? 'would be' : 'were';
  const since = s.incrementalSince ? `, changes since ${s.incrementalSince.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '';
  return `${s.schoolId} (${s.source}${s.dryRun ? ', dry run' : ''}${since}): ${s.added} added, ${s.updated} updated, ${s.reactivated} back, ${s.deactivated} marked inactive, ${s.unchanged} unchanged; ${s.skipped} users skipped (no mapping rule matched) — nothing ${verb} deleted${s.joinersQueued ? `; ${s.joinersQueued} agreement card(s) queued for new joiners` : ''}`;
}

/** `lantern directory sync`: reads each school's directory source now and shows what changed. */
export const syncDirectories: CommandRun<typeof syncOptions> = async ({ flags }, io) => {
    const ctx = await openCommandDatabase(io);
    try {
      const schools = schoolsNamed(ctx.config, flags.school);
      let failed = 0;
      for (const school of schools) {
        const progress = progressLine(io, school.id, process.stderr.isTTY === true);
        try {
          const summary = await runDirectorySync({ config: ctx.config, models: ctx.models, logger: ctx.logger, clock: () => new Date() }, school.id, {
            dryRun: flags['dry-run'] === true,
            full: flags.full === true,
            onProgress: (p) => progress.update(p),
          });
          progress.done();
          io.out(describe(summary));
        } catch (err) {
          progress.done();
          if (!isLanternError(err)) throw err;
          failed++;
          io.out(`${school.id}: NOT SYNCED (${err.code}) ${err.message}`);
        }
      }
      return failed > 0 ? 1 : 0;
    } finally {
      await ctx.close();
    }
};
