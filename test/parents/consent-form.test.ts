import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTemplate, loadPolicyLibrary } from '../../src/agreements/library.js';
import { hasSigned } from '../../src/agreements/signing.js';
import { publishVersion } from '../../src/agreements/versions.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log/logger.js';
import { submitConsent, type ConsentAnswers, type ConsentFormDeps } from '../../src/parents/consent-form.js';
import { linksFromDirectory, syncLinks } from '../../src/parents/links.js';
import { hashToken, issueToken } from '../../src/parents/tokens.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';
import { calendarOf } from '../../src/agreements/academic-year.js';

// The demo school's calendar: 1 September, Europe/London.
const calendar = calendarOf({ timezone: 'Europe/London' });
let lantern: TestLantern;
let deps: ConsentFormDeps;
let agreementId: string;
const SCHOOL = 'northgate';
// Demo directory: pupil-012 is in Year 1, so the parent signs the class rules too; pupil-042 is in Year 5.
const KS1 = { parentId: 'parent-012', pupilId: 'pupil-012' };
const KS2 = { parentId: 'parent-042', pupilId: 'pupil-042' };
const CLIENT = { ip: '192.0.2.1', userAgent: 'test' };
const YES: ConsentAnswers = { agreement: 'yes', internet: 'yes', photos: 'yes', typedName: 'Pat Parent' };

async function token(who: { parentId: string; pupilId: string }, purpose: 'consent' | 'review' = 'consent'): Promise<string> {
  return (await issueToken(lantern.models, { schoolId: SCHOOL, ...who, purpose, round: 'use-case' }, new Date())).token;
}

beforeAll(async () => {
  lantern = await startTestLantern();
  await syncLinks(lantern.models, SCHOOL, 'directory', await linksFromDirectory(lantern.models.people, SCHOOL), new Date());
  const library = loadPolicyLibrary();
  agreementId = (await publishVersion(lantern.models, findTemplate(library, 'class-rules-eyfs-ks1'), { schoolId: SCHOOL, by: 'test' })).version._id;
  await publishVersion(lantern.models, findTemplate(library, 'parent-consent'), { schoolId: SCHOOL, by: 'test' });
  const school = loadConfig({ env: { LOG_LEVEL: 'silent' }, cwd: os.tmpdir() }).schools.find((s) => s.id === SCHOOL);
  deps = { stores: lantern.models, clock: () => new Date(), logger: createLogger({ level: 'silent' }), school: (id) => (id === SCHOOL ? school : undefined) };
}, 120_000);

afterAll(async () => {
  await lantern?.close();
});

describe('parent consent use case (without the web page)', () => {
  it('names each missing answer and leaves the link unspent', async () => {
    const t = await token(KS1);
    const result = await submitConsent(deps, { token: t, answers: { agreement: undefined, internet: 'yes', photos: undefined, typedName: 'P' }, client: CLIENT });
    expect(result.kind).toBe('incomplete');
    expect(result.kind === 'incomplete' && result.missing).toEqual(['agreement', 'photos', 'typedName']);
    expect(await lantern.models.parentTokenUses.exists({ _id: hashToken(t) })).toBeNull();
  });

  it('signs the agreement for the child, records both consents, and refuses the spent link', async () => {
    const t = await token(KS1);
    const result = await submitConsent(deps, { token: t, answers: YES, client: CLIENT });
    expect(result.kind === 'recorded' && result.outcomes).toEqual([
      { kind: 'agreement', decision: 'given', unchanged: false },
      { kind: 'internet', decision: 'given', unchanged: false },
      { kind: 'photos', decision: 'given', unchanged: false },
    ]);
    expect(await hasSigned(lantern.models, SCHOOL, agreementId, { signerId: KS1.parentId, onBehalfOfId: KS1.pupilId }, new Date(), calendar)).toBe(true);
    expect(await submitConsent(deps, { token: t, answers: YES, client: CLIENT })).toEqual({ kind: 'problem', problem: 'used' });
  });

  it('a review link records only what changed', async () => {
    await submitConsent(deps, { token: await token(KS2), answers: { ...YES, agreement: undefined }, client: CLIENT });
    const result = await submitConsent(deps, { token: await token(KS2, 'review'), answers: { ...YES, agreement: undefined, photos: 'no' }, client: CLIENT });
    expect(result.kind === 'recorded' && result.outcomes).toEqual([
      { kind: 'internet', decision: 'given', unchanged: true },
      { kind: 'photos', decision: 'withdrawn', unchanged: false },
    ]);
    expect(await lantern.models.parentConsents.countDocuments({ schoolId: SCHOOL, pupilId: KS2.pupilId, kind: 'internet' })).toBe(1);
  });

  it('an unknown token is invalid', async () => {
    expect(await submitConsent(deps, { token: 'x'.repeat(43), answers: YES, client: CLIENT })).toEqual({ kind: 'problem', problem: 'invalid' });
  });
});
