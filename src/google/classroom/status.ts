import type { AgreementVersion } from '../../agreements/version-model.js';
import type { School } from '../../config/load.js';
import type { Models } from '../../stores.js';
import type { ClassroomRoster } from './models.js';
import { reconcileCourse, type CourseReconciliation } from './roster.js';

/** One course's status from what Lantern already stored (no Classroom call): for `agreements status` and cards. */
export interface StoredCourseStatus {
  courseId: string;
  form: string | null;
  yearGroup: string | null;
  /** Set when the last sync of this course failed (403, 404, 429…), in words. */
  problem: string | null;
  syncedAt: Date | null;
  reconciliation: CourseReconciliation | null;
}

/**
 * The Classroom side of an agreement's status, per mapped course, from the last stored roster and the evidence
 * chain. Cheap enough for a card refresh; `lantern classroom status` re-reads the rosters from Classroom.
 */
export async function storedClassroomStatus(models: Models, school: School, version: AgreementVersion, teacherEmail?: string): Promise<StoredCourseStatus[]> {
  const courses = (school.classroom?.courses ?? []).filter((c) => !teacherEmail || c.teacher === teacherEmail.toLowerCase());
  const out: StoredCourseStatus[] = [];
  for (const course of courses) {
    const roster = await models.classroomRosters.findById(`${school.id}:${course.courseId}`).lean<ClassroomRoster>();
    const students = (roster?.students ?? []).map((s) => ({ userId: s.userId ?? '', email: s.email ?? '' }));
    out.push({
      courseId: course.courseId,
      form: course.form ?? null,
      yearGroup: course.yearGroup ?? null,
      problem: roster?.lastError ?? null,
      syncedAt: roster?.syncedAt ?? null,
      reconciliation: await reconcileCourse(models, school.id, course, version, students),
    });
  }
  return out;
}
