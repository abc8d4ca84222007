import type { AgreementVersion } from '../../agreements/version-model.js';
import type { Models } from '../../stores.js';
import type { Logger } from '../../log/logger.js';
import { ensureAssignment, type CourseMapping, type EnsureOutcome } from './assignments.js';
import type { ClassroomFactory } from './client.js';
import { dueInstant } from './due.js';
import { courseProblem, type CourseProblem } from './errors.js';
import { listStudents, reconcileCourse, type CourseReconciliation } from './roster.js';

/** What happened in one course: the assignment step, the roster reconciliation, or the problem that stopped it. */
export interface CourseResult {
  course: CourseMapping;
  assignment: EnsureOutcome | null;
  reconciliation: CourseReconciliation | null;
  problem: CourseProblem | null;
}

/** What a Classroom run needs. */
export interface ClassroomRunInput {
  schoolId: string;
  courses: readonly CourseMapping[];
  version: AgreementVersion;
  publicUrl: string;
  dueInDays: number;
  /** "HH:MM" in `timezone` (schools[].classroom.dueTime, default 15:00). */
  dueTime?: string;
  /** The school's time zone (schools[].timezone). */
  timezone?: string;
  now: Date;
  /** post: create/patch assignments, then reconcile; status: reconcile only. */
  mode: 'post' | 'status';
  dryRun: boolean;
}

/**
 * Runs the Classroom step course by course. A problem in one course (403, 404, 429…) is recorded for that
 * course and the others carry on; the last roster or problem is kept per course for the status view.
 */
export async function runClassroom(factory: ClassroomFactory, stores: Models, input: ClassroomRunInput, logger: Logger): Promise<CourseResult[]> {
  const results: CourseResult[] = [];
  const due = dueInstant(input.now, input.dueInDays, input.dueTime ?? '15:00', input.timezone ?? 'Europe/London');
  for (const course of input.courses) {
    const api = factory(course.teacher);
    const rosterId = `${input.schoolId}:${course.courseId}`;
    const result: CourseResult = { course, assignment: null, reconciliation: null, problem: null };
    try {
      if (input.mode === 'post') {
        result.assignment = await ensureAssignment(api, stores, { schoolId: input.schoolId, course, version: input.version, publicUrl: input.publicUrl, due, now: input.now, dryRun: input.dryRun });
      }
      const students = await listStudents(api, course.courseId);
      await stores.classroomRosters.updateOne({ _id: rosterId }, { $set: { schoolId: input.schoolId, courseId: course.courseId, students, lastError: null, syncedAt: input.now } }, { upsert: true });
      result.reconciliation = await reconcileCourse(stores, input.schoolId, course, input.version, students);
    } catch (err) {
      result.problem = courseProblem(err, course.courseId, course.teacher);
      logger.warn({ schoolId: input.schoolId, courseId: course.courseId, status: result.problem.status, kind: result.problem.kind }, 'classroom course failed');
      await stores.classroomRosters.updateOne({ _id: rosterId }, { $set: { schoolId: input.schoolId, courseId: course.courseId, lastError: result.problem.message, syncedAt: input.now } }, { upsert: true });
    }
    results.push(result);
  }
  return results;
}

/** Lines for the terminal: one per course, then the pupils still to sign (personIds only). */
export function formatClassroomResults(results: readonly CourseResult[]): string[] {
  const lines: string[] = [];
  for (const r of results) {
    const label = `${r.course.courseId} (${r.course.form ?? `Year ${r.course.yearGroup}`})`;
    if (r.problem) {
      lines.push(`${label}: PROBLEM ${r.problem.status || ''} ${r.problem.message}`.replace(/\s+/g, ' '));
      continue;
    }
    const a = r.assignment ? `assignment ${r.assignment.action}${r.assignment.courseWorkId ? ` (${r.assignment.courseWorkId})` : ''}; ` : '';
    const c = r.reconciliation;
    if (!c) continue;
    lines.push(`${label}: ${a}${c.signed.length}/${c.shouldSign} signed, ${c.notSigned.length} not yet`);
    if (c.notSigned.length) lines.push(`  not signed: ${c.notSigned.join(', ')}`);
    if (c.rosterOnly.length) lines.push(`  on the Classroom roster but not in this class in the directory: ${c.rosterOnly.length}`);
    if (c.directoryOnly.length) lines.push(`  in this class in the directory but not on the roster: ${c.directoryOnly.join(', ')}`);
  }
  return lines;
}
