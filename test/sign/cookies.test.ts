import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTemplate, loadPolicyLibrary } from '../../src/agreements/library.js';
import { publishVersion } from '../../src/agreements/versions.js';
import { demoFileConfig } from '../../src/config/demo.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';
import { CookieJar, setCookie, signInPupil, type HttpReply } from './http-client.js';
import { startLocalOidc, type LocalOidc, type TestAccount } from './oidc-provider.js';

const SCHOOL = 'northgate';
const PUBLIC_URL = 'https://lantern.northgate.example';
const running: { lantern: TestLantern; oidc: LocalOidc }[] = [];

/** A Lantern with pupil sign-in (and, when `publicUrl` is given, that public address), a pupil signed in. */
async function signedInPupil(publicUrl?: string): Promise<{ start: HttpReply; callback: HttpReply; page: HttpReply }> {
  const accounts: Record<string, TestAccount> = {};
  const oidc = await startLocalOidc(accounts);
  const env: Record<string, string> = { LANTERN_GOOGLE_SIGNIN_ISSUER: oidc.issuer, LANTERN_GOOGLE_SIGNIN_CLIENT_ID: oidc.clientId, LANTERN_GOOGLE_SIGNIN_CLIENT_SECRET: oidc.clientSecret };
  if (publicUrl) {
    // Behind a TLS proxy: browsers use the https address, Lantern itself is reached over plain http.
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'lantern-cookies-')), 'lantern.config.json');
    const demo = demoFileConfig();
    writeFileSync(file, JSON.stringify({ ...demo, server: { ...demo.server, publicUrl } }));
    env.LANTERN_CONFIG = file;
  }
  const lantern = await startTestLantern(env);
  running.push({ lantern, oidc });
  oidc.start(`${publicUrl ?? lantern.url}/sign/oidc/callback`);
  const pupil = await lantern.models.people.findOne({ schoolId: SCHOOL, personId: 'pupil-031' }).lean();
  accounts.pupil = { email: pupil?.email ?? '', hd: pupil?.email?.split('@')[1] ?? '', name: pupil?.displayName ?? '' };
  const { version } = await publishVersion(lantern.models, findTemplate(loadPolicyLibrary(), 'pupil-aua-ks2'), { schoolId: SCHOOL, by: 'test' });
  const now = new Date();
  await lantern.models.classroomAssignments.create({ _id: `${SCHOOL}:course-kestrels:${version._id}`, schoolId: SCHOOL, courseId: 'course-kestrels', versionId: version._id, courseWorkId: 'cw-1', teacherEmail: 'd.reid@northgate.example', dueDate: '2026-12-01', createdAt: now, updatedAt: now });
  const jar = new CookieJar();
  const pagePath = `/sign/pupil/${SCHOOL}/course-kestrels?version=${encodeURIComponent(version._id)}`;
  const { start, callback } = await signInPupil(jar, lantern.url, pagePath, 'pupil');
  const page = await jar.send(`${lantern.url}${pagePath}`);
  expect(page.status).toBe(200);
  return { start, callback, page };
}

/** The Set-Cookie lines of the three sign-page cookies, each set once along the pupil's way. */
function signCookies(replies: { start: HttpReply; callback: HttpReply; page: HttpReply }): string[] {
  const lines = [setCookie(replies.start, 'lantern_oidc'), setCookie(replies.callback, 'lantern_oidc'), setCookie(replies.callback, 'lantern_pupil'), setCookie(replies.page, 'lantern_csrf')];
  expect(lines.every(Boolean), lines.join('\n')).toBe(true);
  return lines as string[];
}

afterAll(async () => {
  for (const { lantern, oidc } of running) {
    await lantern.close();
    await oidc.close();
  }
});

describe('sign-page cookies', () => {
  let https: { start: HttpReply; callback: HttpReply; page: HttpReply };
  let http: { start: HttpReply; callback: HttpReply; page: HttpReply };

  beforeAll(async () => {
    https = await signedInPupil(PUBLIC_URL);
    http = await signedInPupil();
  }, 120_000);

  it('carry Secure when server.publicUrl is https, though the request reached Lantern over plain http', () => {
    for (const line of signCookies(https)) expect(line).toMatch(/; Secure(;|$)/);
  });

  it('do not on the http loopback demo (the browser would drop them)', () => {
    for (const line of signCookies(http)) expect(line).not.toMatch(/Secure/i);
  });
});
