import type { classroom_v1 } from 'googleapis';
import type { AgreementVersion } from '../../agreements/version-model.js';
import type { Models } from '../../stores.js';
import type { Person } from '../../directory/person.js';
import type { CourseMapping } from './assignments.js';

/** A pupil on a Classroom roster (emails need the classroom.profile.emails scope). */
export interface RosterStudent {
  userId: string;
  email: string;
}

/** Reads every student of a course (courses.students.list, all pages). */
export async function listStudents(api: classroom_v1.Classroom, courseId: string): Promise<RosterStudent[]> {
  const out: RosterStudent[] = [];
  let pageToken: string | undefined;
  do {
    const res = await api.courses.students.list({ courseId, pageSize: 100, ...(pageToken ? { pageToken } : {}) });
    for (const s of res.data.students ?? []) {
      if (s.userId) out.push({ userId: s.userId, email: (s.profile?.emailAddress ?? '').toLowerCase() });
    }
    pageToken = res.data.nextPageToken ?? undefined;
  } while (pageToken);
  return out;
}

/** Who should sign, who has and who has not, for one course and version. Counts and personIds only. */
export interface CourseReconciliation {
  courseId: string;
  shouldSign: number;
  signed: string[];
  notSigned: string[];
  /** On the Classroom roster but not a pupil of this form/year in the directory (emails, for the IT manager). */
  rosterOnly: string[];
  /** In the form/year in the directory but not on the Classroom roster (personIds). */
  directoryOnly: string[];
}

/**
 * Reconciles the roster with the directory and the evidence chain: everyone on the roster or in the mapped
 * form/year should sign; a signature of any version in the same sign group (a minor change) counts.
 */
export async function reconcileCourse(
  stores: Pick<Models, 'people' | 'agreementVersions' | 'agreementSignatures'>,
  schoolId: string,
  course: CourseMapping,
  version: AgreementVersion,
  roster: readonly RosterStudent[],
): Promise<CourseReconciliation> {
  const pupils = await stores.people.find({ schoolId, role: 'pupil', active: true }).lean<Person[]>();
  const byEmail = new Map(pupils.filter((p) => p.email).map((p) => [p.email as string, p]));
  const inClass = pupils.filter((p) => (course.form ? p.form === course.form : true) && (course.yearGroup ? p.yearGroup === course.yearGroup : true));
  const rosterOnly: string[] = [];
  const should = new Map<string, Person>(inClass.map((p) => [p.personId, p]));
  const onRoster = new Set<string>();
  for (const s of roster) {
    const p = byEmail.get(s.email);
    if (!p) {
      rosterOnly.push(s.email);
      continue;
    }
    onRoster.add(p.personId);
    should.set(p.personId, p);
  }
  const sameGroup = await stores.agreementVersions.find({ schoolId, policyId: version.policyId, signGroup: version.signGroup }, { _id: 1 }).lean<{ _id: string }[]>();
  const signatures = await stores.agreementSignatures
    .find({ schoolId, versionId: { $in: sameGroup.map((v) => v._id) }, signerId: { $in: [...should.keys()] }, onBehalfOfId: null }, { signerId: 1 })
    .lean<{ signerId: string }[]>();
  const signedSet = new Set(signatures.map((s) => s.signerId));
  const ids = [...should.keys()].sort();
  return {
    courseId: course.courseId,
    shouldSign: ids.length,
    signed: ids.filter((id) => signedSet.has(id)),
    notSigned: ids.filter((id) => !signedSet.has(id)),
    rosterOnly: rosterOnly.sort(),
    directoryOnly: inClass.map((p) => p.personId).filter((id) => !onRoster.has(id)).sort(),
  };
}
