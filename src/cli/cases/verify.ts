import { verifyCases } from '../../cases/verify.js';
import type { CommandRun } from '../command.js';
import { withCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { verifyOptions } from './commands.js';
import { redactionNote, sealNote } from '../integrity/seal-note.js';

/** `lantern cases verify`: checks every case's hash chain and summary; exit 1 when anything was tampered with. */
export const verifyCaseTimelines: CommandRun<typeof verifyOptions> = ({ flags }, io) =>
  withCommandDatabase(io, {}, async (ctx) => {
    const school = flags.school === undefined ? undefined : pickSchool(ctx.config, flags.school).id;
    const { checked, issues, redacted } = await verifyCases(ctx.models, school);
    const tampering = issues.filter((i) => i.kind !== 'cache-stale');
    for (const issue of issues) io.out(`${issue.caseNumber}${issue.seq === null ? '' : ` entry ${issue.seq}`}: ${issue.kind} — ${issue.message}`);
    io.out(tampering.length === 0 ? `${checked} case(s) checked: every timeline is intact.` : `${checked} case(s) checked: ${tampering.length} problem(s) found. Keep a copy of the database and tell your DPO.`);
    if (redacted > 0) io.out(redactionNote(redacted));
    io.out(sealNote(ctx.models.integrity));
    return tampering.length === 0 ? 0 : 1;
  });
