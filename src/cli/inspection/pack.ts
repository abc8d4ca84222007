import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gatherInspectionPack } from '../../ops/inspection/gather.js';
import { renderInspectionPack } from '../../ops/inspection/render.js';
import type { CommandRun } from '../command.js';
import { usageError } from '../kit/args.js';
import { withCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { packOptions } from './commands.js';

function day(value: string | undefined, flag: string, usage: string): Date {
  const d = new Date(`${value ?? ''}T00:00:00Z`);
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(d.getTime())) throw usageError(`${flag} needs a date as YYYY-MM-DD, e.g. ${flag} 2026-09-01.`, usage);
  return d;
}

/** `lantern inspection pack`: the school's records for a date range (both days included) as index.html and CSVs. */
export const writeInspectionPack: CommandRun<typeof packOptions> = async ({ flags, usage }, io) => {
  const from = day(flags.from, '--from', usage);
  const to = new Date(day(flags.to, '--to', usage).getTime() + 86_400_000);
  if (to <= from) throw usageError('--to must be on or after --from.', usage);
  if (!flags.out) throw usageError('--out DIR is required: the folder to write the pack into.', usage);
  const dir = path.resolve(io.cwd, flags.out);
  return withCommandDatabase(io, { configFile: flags.config }, async (ctx) => {
    const school = pickSchool(ctx.config, flags.school);
    const pack = await gatherInspectionPack(ctx.models, school, from, to, new Date());
    mkdirSync(dir, { recursive: true });
    const files = renderInspectionPack(pack, ctx.models.integrity);
    for (const f of files) writeFileSync(path.join(dir, f.name), f.text);
    io.out(`Wrote ${files.length} files to ${dir}: open index.html to read or print it.`);
    io.out(`${pack.registers.length} register lines for adults, ${pack.classes.length} class lines, ${pack.training.length} training records, ${pack.incidents.opened} incidents opened.`);
    return 0;
  });
};
