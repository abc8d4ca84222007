import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { printCaseChronology } from '../../cases/chronology-export.js';
import { exportChronology, exportIncidentLog } from '../../cases/export.js';
import type { CliIO, CommandRun } from '../command.js';
import { usageError } from '../kit/args.js';
import { readDay, schoolDayRange } from '../kit/days.js';
import { withCommandDatabase } from '../kit/db.js';
import type { exportOptions } from './commands.js';
import { resolveDslCaller } from './dsl-caller.js';

/** Writes text to --out (private to the user) or standard output; says where. */
export function write(io: CliIO, out: string | undefined, text: string): string {
  if (out === undefined) {
    io.out(text.trimEnd());
    return 'standard output';
  }
  const file = path.resolve(io.cwd, out);
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

/** `lantern cases export`: the incident log or one pupil's chronology as CSV, or a case's printable chronology; DSL only, and logged. */
export const exportCases: CommandRun<typeof exportOptions> = async ({ flags, usage }, io) => {
  if ([flags.log, flags.chronology, flags.case].filter(Boolean).length !== 1) throw usageError('Choose one of --log, --chronology PUPIL_ID or --case CASE_NUMBER --html', usage);
  if (Boolean(flags.case) !== Boolean(flags.html)) throw usageError('A case\'s chronology is printable HTML: use --case CASE_NUMBER with --html', usage);
  const days = { from: readDay(flags.from, '--from', usage), to: readDay(flags.to, '--to', usage) };
  return withCommandDatabase(io, {}, async (ctx) => {
    const caller = await resolveDslCaller(ctx.config, ctx.models, flags);
    if (typeof caller === 'string') {
      io.err(caller);
      return 2;
    }
    const now = new Date();
    if (flags.case) {
      const number = flags.case.trim().toUpperCase();
      const printed = await printCaseChronology(ctx.models, caller.school, number, caller.actor, { now, channel: 'cli' });
      if (!printed) {
        io.err(`No case ${number} at ${caller.school.name}: check the number, e.g. NGP-2026-0041.`);
        return 2;
      }
      const where = write(io, flags.out, printed.html);
      io.err(`Chronology of ${number} written to ${where} (open it in a browser and print). This export is recorded in the access log.`);
      return 0;
    }
    if (flags.log) {
      const result = await exportIncidentLog(ctx.models, caller.school, caller.actor, schoolDayRange(days, caller.school.timezone), now);
      const where = write(io, flags.out, result.csv);
      io.err(`Incident log: ${result.cases} case(s) written to ${where}. This export is recorded in the access log.`);
      return 0;
    }
    const pupilId = String(flags.chronology);
    const result = await exportChronology(ctx.models, caller.school, pupilId, caller.actor, now);
    if (!result.pupil) {
      io.err(`No person "${pupilId}" in ${caller.school.name}'s directory: use the directory id (personId), e.g. pupil-001.`);
      return 2;
    }
    const where = write(io, flags.out, result.csv);
    io.err(`Chronology: ${result.cases} case(s) written to ${where}. This export is recorded in the access log.`);
    return 0;
  });
};
