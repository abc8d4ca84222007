import type { AgreementVersion } from '../../agreements/version-model.js';
import { createLogger } from '../../log/logger.js';
import { classroomFactory } from '../../google/classroom/client.js';
import { formatClassroomResults, runClassroom } from '../../google/classroom/run.js';
import type { CliCommand, CliIO } from '../command.js';
import { openCasesDatabase, readFlags } from '../kit/db.js';

const POST_USAGE = 'lantern classroom post --version ID|POLICY [--school ID] [--dry-run]';
const STATUS_USAGE = 'lantern classroom status --version ID|POLICY [--school ID]';

async function run(args: readonly string[], io: CliIO, mode: 'post' | 'status'): Promise<number> {
  const usage = mode === 'post' ? POST_USAGE : STATUS_USAGE;
  const flags = readFlags(args, mode === 'post' ? { '--version': 'value', '--school': 'value', '--dry-run': 'bool' } : { '--version': 'value', '--school': 'value' });
  if (typeof flags === 'string' || typeof flags['--version'] !== 'string') {
    io.err(`${typeof flags === 'string' ? flags : '--version is required'}\nUsage: ${usage}`);
    return 2;
  }
  const ctx = await openCasesDatabase(io);
  try {
    const schoolId = typeof flags['--school'] === 'string' ? flags['--school'] : ctx.config.schools[0]?.id;
    const school = ctx.config.schools.find((s) => s.id === schoolId);
    if (!school) {
      io.err(`No school "${schoolId}" in the configuration; use one of: ${ctx.config.schools.map((s) => s.id).join(', ')}`);
      return 2;
    }
    const courses = school.classroom?.courses ?? [];
    if (courses.length === 0) {
      io.err(`School ${school.id} maps no Classroom courses: add classroom.courses (courseId, form or yearGroup, teacher) to the config.`);
      return 2;
    }
    const publicUrl = ctx.config.server.publicUrl;
    if (mode === 'post' && !publicUrl) {
      io.err('server.publicUrl is not set: the assignments must link to an address pupils can reach, e.g. https://lantern.northgate.sch.uk');
      return 2;
    }
    const wanted = flags['--version'];
    const version =
      (await ctx.models.agreementVersions.findOne({ _id: wanted, schoolId: school.id }).lean<AgreementVersion>()) ??
      (await ctx.models.agreementVersions.findOne({ schoolId: school.id, policyId: wanted }).sort({ number: -1 }).lean<AgreementVersion>());
    if (!version || version.kind !== 'agreement') {
      io.err(`No agreement version or policy "${wanted}" at ${school.id}: publish it first (lantern agreements publish) and pass its id, e.g. ${school.id}:pupil-aua-ks2:v1.`);
      return 2;
    }
    const factory = classroomFactory(ctx.config, school.classroom?.apiUrl);
    const results = await runClassroom(
      factory,
      ctx.models,
      { schoolId: school.id, courses, version, publicUrl: publicUrl ?? '', dueInDays: school.classroom?.dueInDays ?? 14, dueTime: school.classroom?.dueTime ?? '15:00', timezone: school.timezone, now: new Date(), mode, dryRun: flags['--dry-run'] === true },
      createLogger({ level: 'silent' }),
    );
    io.out(`${version.title} (${version._id})${flags['--dry-run'] ? ' — dry run, nothing changed in Classroom' : ''}`);
    for (const line of formatClassroomResults(results)) io.out(line);
    const problems = results.filter((r) => r.problem).length;
    if (problems) io.err(`${problems} of ${results.length} course(s) had a problem; the others are done. Fix the problem and run the command again (it never posts twice).`);
    return problems ? 1 : 0;
  } finally {
    await ctx.close();
  }
}

/** `lantern classroom post`: posts (or updates) the sign assignment in every mapped course, then reconciles rosters. */
export const classroomPostCommand: CliCommand = {
  summary: 'Post the pupil agreement as a Google Classroom assignment in each mapped course (re-runs update, never duplicate)',
  usage: POST_USAGE,
  run: (args, io) => run(args, io, 'post'),
};

/** `lantern classroom status`: reads each course's roster and shows who has and has not signed. */
export const classroomStatusCommand: CliCommand = {
  summary: 'Show, per Classroom course, who should sign the pupil agreement, who has and who has not',
  usage: STATUS_USAGE,
  run: (args, io) => run(args, io, 'status'),
};
