import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTemplate, loadPolicyLibrary } from '../../src/agreements/library.js';
import { publishVersion } from '../../src/agreements/versions.js';
import type { AgreementVersion } from '../../src/agreements/version-model.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';
import { CookieJar, formField, signInPupil } from './http-client.js';
import { startLocalOidc, type LocalOidc, type TestAccount } from './oidc-provider.js';

let lantern: TestLantern;
let oidc: LocalOidc;
let pupilAua: AgreementVersion;
let staffAua: AgreementVersion;
const jar = new CookieJar();
const SCHOOL = 'northgate';
// pupil-031 is in Kestrels, Year 3.
const PUPIL = 'pupil-031';
const accounts: Record<string, TestAccount> = {};

const page = (course: string, version: AgreementVersion) => `/sign/pupil/${SCHOOL}/${course}?version=${encodeURIComponent(version._id)}`;

async function assign(courseId: string, version: AgreementVersion): Promise<void> {
  const now = new Date();
  await lantern.models.classroomAssignments.create({ _id: `${SCHOOL}:${courseId}:${version._id}`, schoolId: SCHOOL, courseId, versionId: version._id, courseWorkId: `cw-${courseId}`, teacherEmail: 'd.reid@northgate.example', dueDate: '2026-12-01', createdAt: now, updatedAt: now });
}

/** Posts "I agree" for `version` to the page of `course`, with the session's CSRF token. */
async function agree(course: string, version: AgreementVersion, csrf: string) {
  return jar.send(`${lantern.url}${page(course, version)}`, { form: { _csrf: csrf, versionId: version._id } });
}

const signatures = (version: AgreementVersion) => lantern.models.agreementSignatures.countDocuments({ schoolId: SCHOOL, signerId: PUPIL, versionId: version._id });

beforeAll(async () => {
  oidc = await startLocalOidc(accounts);
  lantern = await startTestLantern({ LANTERN_GOOGLE_SIGNIN_ISSUER: oidc.issuer, LANTERN_GOOGLE_SIGNIN_CLIENT_ID: oidc.clientId, LANTERN_GOOGLE_SIGNIN_CLIENT_SECRET: oidc.clientSecret });
  oidc.start(`${lantern.url}/sign/oidc/callback`);
  const p = await lantern.models.people.findOne({ schoolId: SCHOOL, personId: PUPIL }).lean();
  accounts.pupil = { email: p?.email ?? '', hd: p?.email?.split('@')[1] ?? '', name: p?.displayName ?? '' };
  const library = loadPolicyLibrary();
  pupilAua = (await publishVersion(lantern.models, findTemplate(library, 'pupil-aua-ks2'), { schoolId: SCHOOL, by: 'test' })).version;
  staffAua = (await publishVersion(lantern.models, findTemplate(library, 'staff-aua'), { schoolId: SCHOOL, by: 'test' })).version;
  await assign('course-kestrels', pupilAua);
  const signedIn = await signInPupil(jar, lantern.url, page('course-kestrels', pupilAua), 'pupil');
  expect(signedIn.callback.status).toBe(303);
}, 120_000);

afterAll(async () => {
  await lantern?.close();
  await oidc?.close();
});

describe('pupil sign page: who may sign what', () => {
  let csrf = '';

  it('shows the pupil their class’s agreement', async () => {
    const shown = await jar.send(`${lantern.url}${page('course-kestrels', pupilAua)}`);
    expect(shown.status).toBe(200);
    csrf = formField(shown.body, '_csrf');
    expect(csrf).not.toBe('');
  });

  it('refuses a Year 3 pupil the staff agreement, from a made-up course or one it was (wrongly) assigned to', async () => {
    for (const course of ['course-made-up', 'course-staffroom']) {
      if (course === 'course-staffroom') await assign(course, staffAua);
      const shown = await jar.send(`${lantern.url}${page(course, staffAua)}`);
      expect(shown.status, course).toBe(403);
      expect(shown.body).toContain('This agreement is not for you');
      const posted = await agree(course, staffAua, csrf);
      expect(posted.status, course).toBe(403);
    }
    expect(await signatures(staffAua)).toBe(0);
  });

  it('refuses the pupil’s own agreement from a course with no Classroom assignment for it', async () => {
    const shown = await jar.send(`${lantern.url}${page('course-made-up', pupilAua)}`);
    expect(shown.status).toBe(409);
    const posted = await agree('course-made-up', pupilAua, csrf);
    expect(posted.status).toBe(409);
    expect(posted.body).toContain('This is not your class’s agreement');
    expect(await signatures(pupilAua)).toBe(0);
  });

  it('still signs the agreement the course was given', async () => {
    const posted = await agree('course-kestrels', pupilAua, csrf);
    expect(posted.status).toBe(200);
    expect(posted.body).toContain('Thank you');
    expect(await signatures(pupilAua)).toBe(1);
  });
});
