import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gatherInspectionPack } from '../../ops/inspection/gather.js';
import { renderInspectionPack } from '../../ops/inspection/render.js';
import type { CommandRun } from '../command.js';
import { usageError } from '../kit/args.js';
import { readDay, schoolDayRange } from '../kit/days.js';
import { withCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { packOptions } from './commands.js';

function day(value: string | undefined, flag: string, usage: string): string {
  if (!value) throw usageError(`${flag} needs a date as YYYY-MM-DD, e.g. ${flag} 2026-09-01.`, usage);
  return readDay(value, flag, usage) as string;
}

/** `lantern inspection pack`: the school's records for a date range (both days included) as index.html and CSVs. */
export const writeInspectionPack: CommandRun<typeof packOptions> = async ({ flags, usage }, io) => {
  const days = { from: day(flags.from, '--from', usage), to: day(flags.to, '--to', usage) };
  if (days.to < days.from) throw usageError('--to must be on or after --from.', usage);
  if (!flags.out) throw usageError('--out DIR is required: the folder to write the pack into.', usage);
  const dir = path.resolve(io.cwd, flags.out);
  return withCommandDatabase(io, { configFile: flags.config }, async (ctx) => {
    const school = pickSchool(ctx.config, flags.school);
    // Both days are the school's: from its midnight on --from to its midnight after --to.
    const { from, to } = schoolDayRange(days, school.timezone) as { from: Date; to: Date };
    const pack = await gatherInspectionPack(ctx.models, school, from, to, new Date());
    mkdirSync(dir, { recursive: true });
    const files = renderInspectionPack(pack, ctx.models.integrity);
    for (const f of files) writeFileSync(path.join(dir, f.name), f.text);
    io.out(`Wrote ${files.length} files to ${dir}: open index.html to read or print it.`);
    io.out(`${pack.registers.length} register lines for adults, ${pack.classes.length} class lines, ${pack.training.length} training records, ${pack.incidents.opened} incidents opened.`);
    return 0;
  });
};
