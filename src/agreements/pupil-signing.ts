import type { Models } from '../stores.js';
import type { Person } from '../directory/person.js';
import type { Logger } from '../log/logger.js';
import type { SchoolCalendar } from './academic-year.js';
import { courseAllowsVersion } from './course-version.js';
import type { SignatureInput } from './evidence.js';
import { agreementsFor, findVersion, hasSigned, isFor, sign, type AgreementStores } from './signing.js';
import type { AgreementVersion } from './version-model.js';

/** The stores a pupil's signing reads and writes. */
export type PupilSigningStores = AgreementStores & Pick<Models, 'classroomAssignments'>;

/** Why a pupil may not sign from a class link: no such version, not in its audience, or not their class's version. */
export type PupilSignRefusal = 'not-found' | 'not-for-you' | 'wrong-course';

/** Where a pupil opened or posted the sign page: their school (and its calendar), the Classroom course of the link, and the link's `?version=`. */
export interface PupilSignLink {
  schoolId: string;
  /** The school's academic calendar: a yearly agreement is signed once each academic year. */
  calendar: SchoolCalendar;
  courseId: string;
  /** The `?version=` of the link as it arrived (anything: it is checked here). */
  linkVersion: unknown;
}

async function refusal(stores: PupilSigningStores, link: PupilSignLink, pupil: Person, version: AgreementVersion | null): Promise<PupilSignRefusal | null> {
  if (!version) return 'not-found';
  if (!isFor(version, pupil)) return 'not-for-you';
  const allowed = await courseAllowsVersion(stores, { schoolId: link.schoolId, courseId: link.courseId, versionId: version._id, linkVersion: link.linkVersion });
  return allowed ? null : 'wrong-course';
}

/** What the pupil sign page shows: a refusal, "already signed", or the version to sign. */
export type PupilSigningState = { kind: 'refused'; why: PupilSignRefusal } | { kind: 'signed' | 'to-sign'; version: AgreementVersion };

/** The version a pupil's link asks them to sign (the link's version, else their newest), and whether they already have. */
export async function pupilSigningState(stores: PupilSigningStores, link: PupilSignLink, pupil: Person, now: Date): Promise<PupilSigningState> {
  const version =
    typeof link.linkVersion === 'string' && link.linkVersion ? await findVersion(stores, link.schoolId, link.linkVersion) : ((await agreementsFor(stores, link.schoolId, pupil))[0] ?? null);
  const why = await refusal(stores, link, pupil, version);
  if (why || !version) return { kind: 'refused', why: why ?? 'not-found' };
  return { kind: (await hasSigned(stores, link.schoolId, version._id, { signerId: pupil.personId, onBehalfOfId: null }, now, link.calendar)) ? 'signed' : 'to-sign', version };
}

/** The result of a pupil pressing "I agree": a refusal, or the version signed (`created` false when already signed). */
export type PupilSignResult = { kind: 'refused'; why: PupilSignRefusal } | { kind: 'signed'; version: AgreementVersion; created: boolean };

/** Signs the posted version for the pupil into the evidence chain, after the same checks as the page. */
export async function signAsPupil(
  deps: { stores: PupilSigningStores; clock: () => Date; logger: Logger },
  input: { link: PupilSignLink; pupil: Person; versionId: string; client: SignatureInput['client'] },
): Promise<PupilSignResult> {
  const { link, pupil } = input;
  const version = await findVersion(deps.stores, link.schoolId, input.versionId);
  const why = await refusal(deps.stores, link, pupil, version);
  if (why || !version) return { kind: 'refused', why: why ?? 'not-found' };
  const { created } = await sign(deps.stores, { schoolId: link.schoolId, versionId: version._id, signerId: pupil.personId, channel: 'classroom', client: input.client }, link.calendar, deps.clock);
  deps.logger.info({ schoolId: link.schoolId, personId: pupil.personId, versionId: version._id, created }, 'pupil signed');
  return { kind: 'signed', version, created };
}
