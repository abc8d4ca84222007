import { inAudience, type Audience } from '../../agreements/audience.js';
import type { LanternConfig } from '../../config/load.js';
import type { Person } from '../../directory/person.js';
import type { JobDeps, JobRun, JobSchedule } from '../../jobs/index.js';
import type { CourseMapping } from './assignments.js';
import { classroomFactory, type ClassroomFactory } from './client.js';
import { runClassroom } from './run.js';
import { currentPupilVersions } from './status-lines.js';

/** When the Classroom sync runs: 06:30 every day, in the school's time zone (before registration). */
export const CLASSROOM_SYNC_CRON = '30 6 * * *';

/** The courses whose pupils (by form or year group in the directory) are in the agreement's audience. */
function coursesFor(courses: readonly CourseMapping[], pupils: readonly Person[], audience: Audience): CourseMapping[] {
  return courses.filter((c) => pupils.some((p) => (c.form ? p.form === c.form : p.yearGroup === c.yearGroup) && inAudience(p, audience)));
}

/**
 * The scheduled Classroom sync: for each current pupil agreement, posts or patches the assignment in every
 * mapped course its pupils are in and re-reads the rosters, exactly as `lantern classroom post` does (so it
 * never posts twice). A failing course is recorded on its roster and the others carry on.
 * `factory` overrides the Classroom clients (tests).
 */
export function classroomJobHandlers(deps: JobDeps, factory?: ClassroomFactory) {
  return {
    'classroom.sync': async (job: JobRun<{ schoolId: string }>) => {
      const school = deps.config.schools.find((s) => s.id === job.data.schoolId);
      const courses = school?.classroom?.courses ?? [];
      if (!school || courses.length === 0) return { skipped: 'no Classroom courses configured' };
      if (!deps.config.server.publicUrl) return { skipped: 'server.publicUrl is not configured' };
      const api = factory ?? classroomFactory(deps.config, school.classroom?.apiUrl);
      const logger = deps.logger.child({ schoolId: school.id, job: 'classroom.sync' });
      const pupils = await deps.models.people.find({ schoolId: school.id, role: 'pupil', active: true }).lean<Person[]>();
      const summary = { versions: 0, courses: 0, problems: 0 };
      for (const version of await currentPupilVersions(deps.models, school.id)) {
        const mine = coursesFor(courses, pupils, version.audience as Audience);
        if (mine.length === 0) continue;
        summary.versions += 1;
        const results = await runClassroom(
          api,
          deps.models,
          { schoolId: school.id, courses: mine, version, publicUrl: deps.config.server.publicUrl, dueInDays: school.classroom?.dueInDays ?? 14, dueTime: school.classroom?.dueTime ?? '15:00', timezone: school.timezone, now: deps.clock(), mode: 'post', dryRun: false },
          logger,
        );
        summary.courses += results.length;
        summary.problems += results.filter((r) => r.problem).length;
      }
      return summary;
    },
  };
}

/** The schools whose Classroom sync should be scheduled (those that map courses). */
export function classroomSyncSchools(config: LanternConfig): { id: string; timezone: string }[] {
  return config.schools.filter((s) => (s.classroom?.courses ?? []).length > 0).map((s) => ({ id: s.id, timezone: s.timezone }));
}

/** The daily Classroom sync of each school that maps courses. */
export function classroomSchedules(config: LanternConfig): JobSchedule<ReturnType<typeof classroomJobHandlers>>[] {
  return classroomSyncSchools(config).map((school) => ({ name: `classroom.sync:${school.id}`, cron: CLASSROOM_SYNC_CRON, timezone: school.timezone, jobName: 'classroom.sync', schoolId: school.id, data: { schoolId: school.id } }));
}
