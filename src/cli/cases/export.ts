import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportChronology, exportIncidentLog } from '../../cases/export.js';
import type { LanternConfig, School } from '../../config/load.js';
import type { Actor } from '../../cases/timeline-model.js';
import type { Models } from '../../db/models.js';
import type { CliCommand, CliIO } from '../command.js';
import { openCasesDatabase, readFlags } from '../kit/db.js';

const USAGE = 'lantern cases export (--log | --chronology PUPIL_ID) --as DSL_EMAIL [--school ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--out FILE]';

/** Picks the school (the only one, or --school) and checks `--as` is on its DSL team; an error string otherwise. */
export async function resolveDslCaller(config: LanternConfig, models: Models, flags: Record<string, string | true>): Promise<{ school: School; actor: Actor } | string> {
  const schoolId = typeof flags['--school'] === 'string' ? flags['--school'] : undefined;
  const school = schoolId ? config.schools.find((s) => s.id === schoolId) : config.schools.length === 1 ? config.schools[0] : undefined;
  if (!school) return schoolId ? `No school "${schoolId}" in the configuration.` : `Several schools are configured: add --school (one of ${config.schools.map((s) => s.id).join(', ')}).`;
  const email = typeof flags['--as'] === 'string' ? flags['--as'].trim().toLowerCase() : '';
  if (!email) return '--as is required: the email of the DSL team member making this request (it goes in the access log).';
  if (!school.dsl.members.some((m) => m.email === email)) return `${email} is not on ${school.name}'s DSL team (schools[].dsl.members): only the DSL team may do this.`;
  const person = await models.people.findOne({ schoolId: school.id, email }).lean();
  return { school, actor: { email, name: person?.displayName ?? email } };
}

function readDate(value: string | true | undefined, flag: string): Date | undefined | string {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) return `${flag} must be a date such as 2026-09-01`;
  return new Date(`${value}T00:00:00Z`);
}

function write(io: CliIO, out: string | true | undefined, text: string): string {
  if (typeof out !== 'string') {
    io.out(text.trimEnd());
    return 'standard output';
  }
  const file = path.resolve(io.cwd, out);
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

/** `lantern cases export`: the incident log or one pupil's chronology as CSV; DSL only, and logged. */
export const casesExportCommand: CliCommand = {
  summary: "Export the online-safety incident log or a pupil's chronology as CSV (DSL only)",
  usage: USAGE,
  async run(args, io) {
    const flags = readFlags(args, { '--log': 'bool', '--chronology': 'value', '--as': 'value', '--school': 'value', '--from': 'value', '--to': 'value', '--out': 'value' });
    if (typeof flags === 'string' || Boolean(flags['--log']) === Boolean(flags['--chronology'])) {
      io.err(`${typeof flags === 'string' ? flags : 'Choose one of --log or --chronology PUPIL_ID'}\nUsage: ${USAGE}`);
      return 2;
    }
    const from = readDate(flags['--from'], '--from');
    const to = readDate(flags['--to'], '--to');
    if (typeof from === 'string' || typeof to === 'string') {
      io.err(`${typeof from === 'string' ? from : to}\nUsage: ${USAGE}`);
      return 2;
    }
    const ctx = await openCasesDatabase(io);
    try {
      const caller = await resolveDslCaller(ctx.config, ctx.models, flags);
      if (typeof caller === 'string') {
        io.err(caller);
        return 2;
      }
      const now = new Date();
      if (flags['--log']) {
        const result = await exportIncidentLog(ctx.models, caller.school, caller.actor, { ...(from ? { from } : {}), ...(to ? { to } : {}) }, now);
        const where = write(io, flags['--out'], result.csv);
        io.err(`Incident log: ${result.cases} case(s) written to ${where}. This export is recorded in the access log.`);
      } else {
        const pupilId = String(flags['--chronology']);
        const result = await exportChronology(ctx.models, caller.school, pupilId, caller.actor, now);
        if (!result.pupil) {
          io.err(`No person "${pupilId}" in ${caller.school.name}'s directory: use the directory id (personId), e.g. pupil-001.`);
          return 2;
        }
        const where = write(io, flags['--out'], result.csv);
        io.err(`Chronology: ${result.cases} case(s) written to ${where}. This export is recorded in the access log.`);
      }
      return 0;
    } finally {
      await ctx.close();
    }
  },
};
