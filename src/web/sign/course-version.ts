import type { Models } from '../../db/models.js';

/**
 * Whether the pupil may sign `versionId` from a link naming `courseId`. The Classroom assignment links to one
 * version (`?version=` in the link, see signPageUrl): a form posting another version, or a link for a course
 * whose recorded assignments are for other versions, is refused so a pupil cannot sign the wrong agreement.
 * A course Lantern never posted to (no recorded assignment) only has to match the link's own version.
 */
export async function courseAllowsVersion(
  models: Pick<Models, 'classroomAssignments'>,
  input: { schoolId: string; courseId: string; versionId: string; linkVersion: unknown },
): Promise<boolean> {
  if (typeof input.linkVersion === 'string' && input.linkVersion && input.linkVersion !== input.versionId) return false;
  const assigned = await models.classroomAssignments.find({ schoolId: input.schoolId, courseId: input.courseId }, { versionId: 1 }).lean<{ versionId: string }[]>();
  return assigned.length === 0 || assigned.some((a) => a.versionId === input.versionId);
}

/** The lines of the page shown when the version does not match the course's assignment. */
export const WRONG_VERSION_LINES = [
  'This is not the agreement your class was given in Google Classroom, so nothing has been signed.',
  'Please go back to your Classroom assignment and open its link again. If it still shows this page, tell your teacher.',
];
