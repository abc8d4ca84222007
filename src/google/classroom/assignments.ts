import type { classroom_v1 } from 'googleapis';
import type { AgreementVersion } from '../../agreements/version-model.js';
import type { Models } from '../../stores.js';
import type { ClassroomAssignment } from './models.js';
import { isDuplicateKey } from '../../db/errors.js';

/** One configured course: its Classroom id, the pupils it holds, and the teacher Lantern acts as. */
export interface CourseMapping {
  courseId: string;
  form?: string | undefined;
  yearGroup?: string | undefined;
  teacher: string;
}

/** The sign page a course's assignment links to (one per course and version). */
export function signPageUrl(publicUrl: string, schoolId: string, courseId: string, versionId: string): string {
  return `${publicUrl.replace(/\/$/, '')}/sign/pupil/${schoolId}/${encodeURIComponent(courseId)}?version=${encodeURIComponent(versionId)}`;
}

/** What the assignment says; the same body is used to create and to patch. */
export function courseWorkBody(version: Pick<AgreementVersion, 'title' | 'summary'>, url: string, due: Date): classroom_v1.Schema$CourseWork {
  return {
    title: version.title,
    description: `${version.summary}\n\nOpen the link, sign in with your school Google account, read the agreement (or press "Read it to me") and press "I agree".`,
    workType: 'ASSIGNMENT',
    state: 'PUBLISHED',
    materials: [{ link: { url, title: version.title } }],
    // Classroom's dueDate and dueTime are UTC: `due` is the school-local due time already converted (see due.ts).
    dueDate: { year: due.getUTCFullYear(), month: due.getUTCMonth() + 1, day: due.getUTCDate() },
    dueTime: { hours: due.getUTCHours(), minutes: due.getUTCMinutes() },
  };
}

/** The outcome of making sure one course has its assignment. */
export type EnsureOutcome = { action: 'created' | 'updated' | 'adopted' | 'would-create' | 'would-update'; courseWorkId: string | null };

/**
 * Creates the course's assignment once, or patches it. Idempotent three ways: the stored courseWork id (a re-run
 * patches), a look for coursework already linking to the same sign page (a run that crashed after creating
 * adopts it instead of posting a second), and the unique `_id` of the stored record.
 */
export async function ensureAssignment(
  api: classroom_v1.Classroom,
  stores: Pick<Models, 'classroomAssignments'>,
  input: { schoolId: string; course: CourseMapping; version: AgreementVersion; publicUrl: string; due: Date; now: Date; dryRun: boolean },
): Promise<EnsureOutcome> {
  const { schoolId, course, version } = input;
  const id = `${schoolId}:${course.courseId}:${version._id}`;
  const url = signPageUrl(input.publicUrl, schoolId, course.courseId, version._id);
  const body = courseWorkBody(version, url, input.due);
  const dueDate = `${body.dueDate?.year}-${String(body.dueDate?.month).padStart(2, '0')}-${String(body.dueDate?.day).padStart(2, '0')}`;
  const stored = await stores.classroomAssignments.findById(id).lean<ClassroomAssignment>();
  if (stored) {
    if (input.dryRun) return { action: 'would-update', courseWorkId: stored.courseWorkId };
    try {
      await api.courses.courseWork.patch({ courseId: course.courseId, id: stored.courseWorkId, updateMask: 'title,description,dueDate,dueTime', requestBody: body });
      await stores.classroomAssignments.updateOne({ _id: id }, { $set: { dueDate, teacherEmail: course.teacher, updatedAt: input.now } });
      return { action: 'updated', courseWorkId: stored.courseWorkId };
    } catch (err) {
      // The teacher deleted the assignment: forget it and post a new one below (the course itself is checked by the create).
      if ((err as { status?: number }).status !== 404 || !(await courseExists(api, course.courseId))) throw err;
      await stores.classroomAssignments.deleteOne({ _id: id });
    }
  }
  const existing = await findLinkedCourseWork(api, course.courseId, url);
  if (input.dryRun) return { action: existing ? 'would-update' : 'would-create', courseWorkId: existing ?? null };
  let courseWorkId = existing;
  if (!courseWorkId) {
    const created = await api.courses.courseWork.create({ courseId: course.courseId, requestBody: body });
    courseWorkId = created.data.id ?? null;
    if (!courseWorkId) throw new Error(`Classroom created coursework in course ${course.courseId} but returned no id`);
  }
  try {
    await stores.classroomAssignments.create({ _id: id, schoolId, courseId: course.courseId, versionId: version._id, courseWorkId, teacherEmail: course.teacher, dueDate, createdAt: input.now, updatedAt: input.now });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
  return { action: existing ? 'adopted' : 'created', courseWorkId };
}

async function courseExists(api: classroom_v1.Classroom, courseId: string): Promise<boolean> {
  try {
    await api.courses.get({ id: courseId });
    return true;
  } catch (err) {
    if ((err as { status?: number }).status === 404) return false;
    throw err;
  }
}

/** The id of coursework in the course that already links to `url`, if any. */
async function findLinkedCourseWork(api: classroom_v1.Classroom, courseId: string, url: string): Promise<string | null> {
  let pageToken: string | undefined;
  do {
    const res = await api.courses.courseWork.list({ courseId, courseWorkStates: ['PUBLISHED', 'DRAFT'], pageSize: 100, ...(pageToken ? { pageToken } : {}) });
    for (const cw of res.data.courseWork ?? []) {
      if (cw.id && cw.materials?.some((m) => m.link?.url === url)) return cw.id;
    }
    pageToken = res.data.nextPageToken ?? undefined;
  } while (pageToken);
  return null;
}
