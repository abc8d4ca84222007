import path from 'node:path';
import { buildSchoolDigest, writePreview } from '../../digest/run.js';
import { formatIsoWeek } from '../../digest/week.js';
import { ErrorCode, LanternError } from '../../errors.js';
import type { CommandRun } from '../command.js';
import { pickSchool } from '../kit/school.js';
import type { previewOptions } from './commands.js';
import { openDigestContext, weekOption } from './options.js';

/** `lantern digest preview`: writes a school's digest (HTML, text, PNG charts) to a folder without sending it. */
export const previewDigest: CommandRun<typeof previewOptions> = async ({ flags, usage }, io) => {
  if (!flags.school) throw new LanternError(ErrorCode.UsageError, `--school is required. Usage: ${usage}`);
  if (!flags.out) {
    io.err(`--out DIR is required. Usage: ${usage}`);
    return 2;
  }
  const ctx = await openDigestContext(io, flags.config);
  try {
    const school = pickSchool(ctx.config, flags.school);
    const week = weekOption(flags.week, school.timezone, new Date());
    const { rendered } = await buildSchoolDigest({ ...ctx, clock: () => new Date() }, school, week, (_cid, file) => file);
    const files = await writePreview(rendered, path.resolve(io.cwd, flags.out));
    io.out(`${rendered.subject} (${formatIsoWeek(week)})`);
    for (const f of files) io.out(`  wrote ${f}`);
    return 0;
  } finally {
    await ctx.close();
  }
};
