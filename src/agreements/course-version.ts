import type { Models } from '../stores.js';

/**
 * Whether the pupil may sign `versionId` from a link naming `courseId`. The Classroom assignment links to one
 * version (`?version=` in the link, see signPageUrl): a form posting another version, or a course without a
 * recorded assignment for that version (one Lantern never posted to, or an invented course id), is refused so a
 * pupil cannot sign an agreement their class was not given.
 */
export async function courseAllowsVersion(
  models: Pick<Models, 'classroomAssignments'>,
  input: { schoolId: string; courseId: string; versionId: string; linkVersion: unknown },
): Promise<boolean> {
  if (typeof input.linkVersion === 'string' && input.linkVersion && input.linkVersion !== input.versionId) return false;
  return Boolean(await models.classroomAssignments.exists({ schoolId: input.schoolId, courseId: input.courseId, versionId: input.versionId }));
}

