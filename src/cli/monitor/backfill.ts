import cliProgress from 'cli-progress';
import { ErrorCode, LanternError } from '../../errors.js';
import type { PollProgress, PollResult } from '../../monitoring/connectors/poll.js';
import { pollSource } from '../../monitoring/connectors/poll-source.js';
import { auditClientFactories } from '../../server/audit-clients.js';
import { configuredSources } from '../../monitoring/connectors/school-connectors.js';
import type { Source } from '../../monitoring/types.js';
import type { CliIO, CommandRun } from '../command.js';
import { openCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { backfillOptions } from './commands.js';
import { parseSince } from './durations.js';

/** Progress on stderr: a bar per stream on a terminal, a plain line per finished window otherwise. */
function progressReporter(io: CliIO, tty: boolean) {
  let bar: cliProgress.SingleBar | undefined;
  let current = '';
  let lastLine = 0;
  return {
    update(p: PollProgress) {
      const total = Math.max(1, p.to - p.from);
      const done = Math.min(total, Math.max(0, p.doneUntil - p.from));
      if (tty) {
        if (current !== p.stream) {
          bar?.stop();
          current = p.stream;
          bar = new cliProgress.SingleBar(
            { format: `${p.stream.padEnd(34)} {bar} {percentage}% | {records} records | {detections} new detections`, stream: process.stderr, hideCursor: true },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total, done, { records: 0, detections: 0 });
        }
        bar?.update(done, { records: p.records, detections: p.detections });
      } else if (p.doneUntil !== lastLine) {
        lastLine = p.doneUntil;
        io.err(`${p.stream}: read up to ${new Date(p.doneUntil).toISOString()} (${Math.round((100 * done) / total)}%, ${p.records} records, ${p.detections} new detections)`);
      }
    },
    stop() {
      bar?.stop();
    },
  };
}

/** What a stream's backfill wrote: new detections, repeats folded into one, and matches stored before. */
function storedLine(r: PollResult): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(r.records, 'record')} read; ${plural(r.created, 'new detection')} stored (${plural(r.stored - r.created, 'repeat')} folded into a detection, ${r.duplicates} already stored)`;
}

/** `lantern monitor backfill`: reads past audit logs into detections, resuming from (and moving) the same checkpoints as the scheduled polls. */
export const backfill: CommandRun<typeof backfillOptions> = async ({ flags, usage }, io) => {
    if (flags.school === undefined || flags.since === undefined) throw new LanternError(ErrorCode.UsageError, `--school and --since are required. Usage: ${usage}`);
    const wanted = flags.source;
    if (wanted !== undefined && wanted !== 'google' && wanted !== 'microsoft') throw new LanternError(ErrorCode.UsageError, `--source must be google or microsoft. Usage: ${usage}`);
    const since = parseSince(flags.since, Date.now());
    const ctx = await openCommandDatabase(io, { requireSecrets: true });
    try {
      const schoolId = pickSchool(ctx.config, flags.school).id;
      const configured = configuredSources(ctx.config, schoolId);
      const sources: Source[] = wanted ? [wanted] : configured;
      if (sources.length === 0 || sources.some((s) => !configured.includes(s))) {
        throw new LanternError(
          ErrorCode.ConfigInvalid,
          `School ${schoolId} has no ${wanted ?? 'audit-log'} credentials: set google.adminSubject and LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE, or microsoft.monitoring and LANTERN_MS_CLIENT_SECRET.`,
        );
      }
      io.err(`Backfilling ${schoolId} (${sources.join(', ')}) from ${new Date(since).toISOString()}; each log is read as far back as its vendor keeps it.`);
      const progress = progressReporter(io, process.stderr.isTTY === true);
      let failed = 0;
      try {
        for (const source of sources) {
          const summary = await pollSource({ config: ctx.config, models: ctx.models, logger: ctx.logger, clock: () => new Date(), clients: auditClientFactories(ctx.config) }, schoolId, source, { since, onProgress: (p) => progress.update(p) });
          progress.stop();
          for (const s of summary.streams) {
            if (s.ok && s.result.busy) {
              failed++;
              io.out(`${s.stream}: skipped, another poll of this log is running; run the backfill again in a few minutes`);
            } else if (s.ok) io.out(`${s.stream}: ${storedLine(s.result)}, read up to ${s.result.cursor}`);
            else {
              failed++;
              io.out(`${s.stream}: FAILED (${s.code}) ${s.message}`);
            }
          }
        }
      } finally {
        progress.stop();
      }
      return failed > 0 ? 1 : 0;
    } finally {
      await ctx.close();
    }
};
