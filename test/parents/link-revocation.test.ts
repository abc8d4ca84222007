import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTemplate, loadPolicyLibrary } from '../../src/agreements/library.js';
import { demoFileConfig } from '../../src/config/demo.js';
import { loadConfig } from '../../src/config/load.js';
import { demoDirectory } from '../../src/directory/demo-directory.js';
import type { PersonInput } from '../../src/directory/person.js';
import { runDirectorySync } from '../../src/directory/run-sync.js';
import { createLogger } from '../../src/log/logger.js';
import { publishVersion } from '../../src/agreements/versions.js';
import { linksFromDirectory, syncLinks, type LinkInput } from '../../src/parents/links.js';
import { hashToken, issueToken } from '../../src/parents/tokens.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';
import { CookieJar, formField } from '../sign/http-client.js';

let lantern: TestLantern;
let configFile: string;
let directoryFile: string;
let links: LinkInput[];
const SCHOOL = 'northgate';
const COLUMNS = ['personId', 'email', 'displayName', 'role', 'jobTitle', 'yearGroup', 'form', 'formsTaught', 'childrenIds', 'aadObjectId'] as const;

/** Writes the school's directory CSV (the MIS export the school's config points at). */
function writeDirectory(people: readonly PersonInput[]): void {
  const cell = (v: unknown) => `"${(Array.isArray(v) ? v.join(';') : v === undefined || v === null ? '' : String(v)).replace(/"/g, '""')}"`;
  writeFileSync(directoryFile, [COLUMNS.join(','), ...people.map((p) => COLUMNS.map((c) => cell(p[c])).join(','))].join('\n'));
}

/** A parent's emailed link, its page opened in a browser session (so the form's CSRF token is known). */
async function openLink(link: LinkInput) {
  const { token } = await issueToken(lantern.models, { schoolId: SCHOOL, parentId: link.parentId, pupilId: link.pupilId, purpose: 'consent', round: 'test' }, new Date());
  const url = `${lantern.url}/parents/consent/${token}`;
  const jar = new CookieJar();
  const page = await jar.send(url);
  expect(page.status).toBe(200);
  const submit = () => jar.send(url, { form: { _csrf: formField(page.body, '_csrf'), agreement: 'yes', internet: 'yes', photos: 'yes', typedName: 'Former Carer' } });
  return { url, jar, submit, tokenHash: hashToken(token) };
}

/** The server's directory sync job, reading the school's CSV as it is now. */
function syncDirectory() {
  return runDirectorySync({ config: loadConfig({ file: configFile, env: {}, cwd: os.tmpdir() }), models: lantern.models, logger: createLogger({ level: 'silent' }), clock: () => new Date() }, SCHOOL);
}

async function expectRefused(opened: Awaited<ReturnType<typeof openLink>>, link: LinkInput) {
  const again = await opened.jar.send(opened.url);
  expect(again.status).toBe(410);
  expect(again.body).toContain('This link no longer works');
  expect(again.body).not.toContain('Consent for');
  const posted = await opened.submit();
  expect(posted.status).toBe(410);
  expect(await lantern.models.parentConsents.countDocuments({ schoolId: SCHOOL, parentId: link.parentId, pupilId: link.pupilId })).toBe(0);
  expect(await lantern.models.parentTokenUses.exists({ _id: opened.tokenHash })).toBeNull();
}

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-revoke-'));
  directoryFile = path.join(dir, 'people.csv');
  configFile = path.join(dir, 'lantern.config.json');
  writeDirectory(demoDirectory());
  const demo = demoFileConfig();
  writeFileSync(configFile, JSON.stringify({ ...demo, schools: demo.schools.map((s) => ({ ...s, directory: { source: 'csv', file: directoryFile } })) }));
  lantern = await startTestLantern({ LANTERN_CONFIG: configFile });
  const library = loadPolicyLibrary();
  await publishVersion(lantern.models, findTemplate(library, 'class-rules-eyfs-ks1'), { schoolId: SCHOOL, by: 'test' });
  await publishVersion(lantern.models, findTemplate(library, 'parent-consent'), { schoolId: SCHOOL, by: 'test' });
  links = await linksFromDirectory(lantern.models.people, SCHOOL);
  await syncLinks(lantern.models, SCHOOL, 'directory', links, new Date());
}, 120_000);

afterAll(async () => {
  await lantern?.close();
});

describe('parent links after the parent or the link is removed', () => {
  it('a parent who left the directory: the open page and its form are refused, and the unused link is revoked', async () => {
    const link = links[0] as LinkInput;
    const opened = await openLink(link);
    expect((await syncDirectory()).deactivated).toBe(0);
    writeDirectory(demoDirectory().filter((p) => p.personId !== link.parentId));
    expect((await syncDirectory()).deactivated).toBe(1);
    expect((await lantern.models.parentLinkTokens.findById(opened.tokenHash).lean())?.revokedAt).toBeInstanceOf(Date);
    await expectRefused(opened, link);
  });

  it('a parent–child link removed from the links: the same', async () => {
    const link = links.find((l) => l.parentId !== links[0]?.parentId) as LinkInput;
    const opened = await openLink(link);
    const other = await openLink(links.find((l) => l.parentId !== link.parentId && l.parentId !== links[0]?.parentId) as LinkInput);
    // The directory no longer lists this child for this parent (nor the parent who left in the test above).
    const listed = (await linksFromDirectory(lantern.models.people, SCHOOL)).filter((l) => l.parentId !== link.parentId || l.pupilId !== link.pupilId);
    const result = await syncLinks(lantern.models, SCHOOL, 'directory', listed, new Date());
    expect(result).toMatchObject({ deactivated: 2, revoked: 1 });
    expect((await lantern.models.parentLinkTokens.findById(opened.tokenHash).lean())?.revokedAt).toBeInstanceOf(Date);
    await expectRefused(opened, link);
    // Everyone else's link still works.
    expect((await other.jar.send(other.url)).status).toBe(200);
  });

  it('a link deactivated without revoking its emails (any other path): the page still checks at load and submit', async () => {
    const link = links.find((l) => l.parentId !== links[0]?.parentId && l.parentId !== links[1]?.parentId && l.parentId !== links[2]?.parentId) as LinkInput;
    const opened = await openLink(link);
    await lantern.models.parentLinks.updateOne({ schoolId: SCHOOL, parentId: link.parentId, pupilId: link.pupilId }, { $set: { active: false } });
    await expectRefused(opened, link);
  });
});
