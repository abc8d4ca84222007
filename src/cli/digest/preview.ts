import path from 'node:path';
import { buildSchoolDigest, findSchool, writePreview } from '../../digest/run.js';
import { formatIsoWeek } from '../../digest/week.js';
import type { CliCommand } from '../command.js';
import { flag, openDigestContext, schoolOption, weekOption } from './options.js';

const USAGE = 'lantern digest preview --school ID [--week 2026-W47] --out DIR [--config FILE]';

/** `lantern digest preview`: writes a school's digest (HTML, text, PNG charts) to a folder without sending it. */
export const digestPreviewCommand: CliCommand = {
  summary: "Write a school's governors' digest to a folder (HTML, text, charts) without sending it",
  usage: USAGE,
  async run(args, io) {
    const schoolId = schoolOption(args, USAGE);
    const out = flag(args, '--out');
    if (!out) {
      io.err(`--out DIR is required. Usage: ${USAGE}`);
      return 2;
    }
    const ctx = await openDigestContext(args, io);
    try {
      const school = findSchool(ctx.config, schoolId);
      const week = weekOption(args, school.timezone, new Date());
      const { rendered } = await buildSchoolDigest({ ...ctx, clock: () => new Date() }, school, week, (_cid, file) => file);
      const files = await writePreview(rendered, path.resolve(io.cwd, out));
      io.out(`${rendered.subject} (${formatIsoWeek(week)})`);
      for (const f of files) io.out(`  wrote ${f}`);
      return 0;
    } finally {
      await ctx.close();
    }
  },
};
