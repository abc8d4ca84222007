import type { AgreementVersion } from '../../agreements/version-model.js';
import { createLogger } from '../../log/logger.js';
import { classroomFactory } from '../../google/classroom/client.js';
import { formatClassroomResults, runClassroom } from '../../google/classroom/run.js';
import type { CliIO, CommandInput, CommandRun } from '../command.js';
import { usageError } from '../kit/args.js';
import { withCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { postOptions, statusOptions } from './commands.js';

async function run({ flags, usage }: CommandInput<typeof postOptions>, io: CliIO, mode: 'post' | 'status'): Promise<number> {
  const wanted = flags.version;
  if (wanted === undefined) throw usageError('--version is required', usage);
  return withCommandDatabase(io, {}, async (ctx) => {
    const school = pickSchool(ctx.config, flags.school);
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
      { schoolId: school.id, courses, version, publicUrl: publicUrl ?? '', dueInDays: school.classroom?.dueInDays ?? 14, dueTime: school.classroom?.dueTime ?? '15:00', timezone: school.timezone, now: new Date(), mode, dryRun: flags['dry-run'] === true },
      createLogger({ level: 'silent' }),
    );
    io.out(`${version.title} (${version._id})${flags['dry-run'] ? ' — dry run, nothing changed in Classroom' : ''}`);
    for (const line of formatClassroomResults(results)) io.out(line);
    const problems = results.filter((r) => r.problem).length;
    if (problems) io.err(`${problems} of ${results.length} course(s) had a problem; the others are done. Fix the problem and run the command again (it never posts twice).`);
    return problems ? 1 : 0;
  });
}

/** `lantern classroom post`: posts (or updates) the sign assignment in every mapped course, then reconciles rosters. */
export const postAssignments: CommandRun<typeof postOptions> = (input, io) => run(input, io, 'post');

/** `lantern classroom status`: reads each course's roster and shows who has and has not signed. */
export const showAssignments: CommandRun<typeof statusOptions> = (input, io) => run(input, io, 'status');
