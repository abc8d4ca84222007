import { verifyCases } from '../../cases/verify.js';
import type { CliCommand } from '../command.js';
import { openCasesDatabase, readFlags } from '../kit/db.js';

const USAGE = 'lantern cases verify [--school ID]';

/** `lantern cases verify`: checks every case's hash chain and summary; exit 1 when anything was tampered with. */
export const casesVerifyCommand: CliCommand = {
  summary: "Check every DSL case's timeline for edits, insertions and deletions",
  usage: USAGE,
  async run(args, io) {
    const flags = readFlags(args, { '--school': 'value' });
    if (typeof flags === 'string') {
      io.err(`${flags}\nUsage: ${USAGE}`);
      return 2;
    }
    const ctx = await openCasesDatabase(io);
    try {
      const school = typeof flags['--school'] === 'string' ? flags['--school'] : undefined;
      if (school && !ctx.config.schools.some((s) => s.id === school)) {
        io.err(`No school "${school}" in the configuration; use one of: ${ctx.config.schools.map((s) => s.id).join(', ')}`);
        return 2;
      }
      const { checked, issues } = await verifyCases(ctx.models, school);
      const tampering = issues.filter((i) => i.kind !== 'cache-stale');
      for (const issue of issues) io.out(`${issue.caseNumber}${issue.seq === null ? '' : ` entry ${issue.seq}`}: ${issue.kind} — ${issue.message}`);
      io.out(tampering.length === 0 ? `${checked} case(s) checked: every timeline is intact.` : `${checked} case(s) checked: ${tampering.length} problem(s) found. Keep a copy of the database and tell your DPO.`);
      return tampering.length === 0 ? 0 : 1;
    } finally {
      await ctx.close();
    }
  },
};
