import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { logAccess } from '../../cases/access.js';
import { whoMayNotAppear } from '../../parents/class-list.js';
import type { CommandRun } from '../command.js';
import { usageError } from '../kit/args.js';
import { withCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import { classListPage } from './class-page.js';
import type { classOptions } from './commands.js';

/** `lantern consents class`: prints who in a class may not appear, and writes the printable page with --out. */
export const printClassList: CommandRun<typeof classOptions> = async ({ flags, usage }, io) => {
  if (!flags.class) throw usageError('--class NAME is required: the class (form) as the directory names it, e.g. --class Robins.', usage);
  const form = flags.class;
  const out = flags.out ? path.resolve(io.cwd, flags.out) : null;
  return withCommandDatabase(io, { configFile: flags.config }, async (ctx) => {
    const school = pickSchool(ctx.config, flags.school);
    const now = new Date();
    const list = await whoMayNotAppear(ctx.models, school, form, now, flags.type ? { typeId: flags.type } : {});
    // Names of children leave the database here: the read goes into the access log like any other.
    await logAccess(ctx.models, { schoolId: school.id, caseId: null, who: flags.by ?? `cli:${os.userInfo().username}`, kind: 'export', what: `consents: who may not appear (${form})${out ? ', printable page' : ''}`, at: now });
    io.out(`Who may not appear: ${form}, ${school.name} (${list.rows.length} of ${list.pupils} pupils)`);
    for (const r of list.rows) io.out(`  ${r.name} — not: ${r.notAllowed.map((n) => `${n.label} (${n.reason})`).join('; ')}`);
    if (list.rows.length === 0) io.out('  Every pupil has a parent’s yes for each use.');
    if (out) {
      const printedOn = now.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: school.timezone });
      writeFileSync(out, classListPage(list, printedOn));
      io.out(`Wrote ${out}: print it for the class teacher. Keep it private and destroy old copies.`);
    }
    return 0;
  });
};
