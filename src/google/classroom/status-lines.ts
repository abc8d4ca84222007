import type { AgreementVersion } from '../../agreements/version-model.js';
import type { School } from '../../config/load.js';
import type { Models } from '../../stores.js';
import { storedClassroomStatus, type StoredCourseStatus } from './status.js';

/** The newest version of each pupil agreement at the school (the ones Classroom assignments are for). */
export async function currentPupilVersions(models: Models, schoolId: string): Promise<AgreementVersion[]> {
  const all = await models.agreementVersions.find({ schoolId, kind: 'agreement' }).sort({ policyId: 1, number: -1 }).lean<AgreementVersion[]>();
  const newest = new Map<string, AgreementVersion>();
  for (const v of all) {
    const roles = (v.audience as { roles?: string[] } | null)?.roles ?? [];
    if (roles.includes('pupil') && !newest.has(v.policyId)) newest.set(v.policyId, v);
  }
  return [...newest.values()];
}

/** One course's stored figures in words, e.g. "111 (Kestrels): 10 should sign, 1 signed, 9 not yet". */
export function storedCourseLine(row: StoredCourseStatus): string {
  const label = `${row.courseId} (${row.form ?? `Year ${row.yearGroup ?? '?'}`})`;
  const r = row.reconciliation;
  const figures = r ? `${r.shouldSign} should sign, ${r.signed.length} signed, ${r.notSigned.length} not yet` : 'no figures yet';
  const synced = row.syncedAt ? '' : ' (roster not read yet: run lantern classroom status)';
  return `${label}: ${figures}${synced}${row.problem ? `; problem at last sync: ${row.problem}` : ''}`;
}

/**
 * The "Google Classroom" block of `lantern agreements status`: per current pupil version, per mapped course,
 * from the stored rosters only (no Classroom call). Empty when the school maps no courses.
 */
export async function classroomStatusLines(models: Models, school: School, policyId?: string): Promise<string[]> {
  if ((school.classroom?.courses ?? []).length === 0) return [];
  const versions = (await currentPupilVersions(models, school.id)).filter((v) => !policyId || v.policyId === policyId);
  const lines: string[] = [];
  for (const version of versions) {
    if (lines.length === 0) lines.push('Google Classroom');
    lines.push(`  ${version.title} (version ${version.number})`);
    for (const row of await storedClassroomStatus(models, school, version)) lines.push(`    ${storedCourseLine(row)}`);
  }
  return lines;
}
