import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarOf } from '../../src/agreements/academic-year.js';
import { signedPersonIds } from '../../src/agreements/compliance.js';
import { recordSignature } from '../../src/agreements/evidence.js';
import { findTemplate, loadPolicyLibrary } from '../../src/agreements/library.js';
import { countingSignatures, hasSigned } from '../../src/agreements/signing.js';
import { latestSignatureFor, signatureFor } from '../../src/agreements/state.js';
import type { AgreementVersion } from '../../src/agreements/version-model.js';
import { publishVersion } from '../../src/agreements/versions.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';

let conn: Connection;
let models: Models;
let first: AgreementVersion;
let typoFix: AgreementVersion;
const SCHOOL = 'northgate';
const calendar = calendarOf({ timezone: 'Europe/London' });
const NOW = new Date();
const LAST_YEAR = new Date(NOW.getTime() - 400 * 86_400_000);

// A yearly pupil agreement and a minor revision of it (same sign group). This year: pupil-1 signed v1 (still
// counts after the typo fix), a teacher signed v2 for pupil-2, pupil-3 signed and then withdrew. pupil-4 signed
// only last year, which no longer counts.
beforeAll(async () => {
  conn = await connectTestDatabase('counting_signatures');
  models = createModels(conn);
  await ensureIndexes(models);
  const template = findTemplate(loadPolicyLibrary(), 'pupil-aua-ks2');
  const clock = () => new Date('2024-08-20T09:00:00Z');
  first = (await publishVersion(models, template, { schoolId: SCHOOL, by: 'test', clock })).version;
  typoFix = (await publishVersion(models, { ...template, body: `${template.body}\n` + 'Fixed a typo.' }, { schoolId: SCHOOL, by: 'test', clock, change: 'minor', reason: 'typo' })).version;
  expect(typoFix.signGroup).toBe(first.signGroup);
  const record = (versionId: string, signerId: string, at: Date, extra: { onBehalfOfId?: string; outcome?: string; after?: { seq: number } } = {}) =>
    recordSignature(models, { schoolId: SCHOOL, versionId, signerId, channel: 'classroom', ...extra }, calendar, () => at);
  await record(first._id, 'pupil-1', NOW);
  await record(typoFix._id, 'teacher-1', NOW, { onBehalfOfId: 'pupil-2' });
  const signed = await record(typoFix._id, 'pupil-3', new Date(NOW.getTime() - 60_000));
  await record(typoFix._id, 'pupil-3', NOW, { outcome: 'withdrawn', after: signed.record });
  await record(first._id, 'pupil-4', LAST_YEAR);
});
afterAll(async () => dropTestDatabase(conn));

describe('the signatures that count for a version: one query, filtered by each caller', () => {
  it('reads the whole sign group in this academic year, and narrows to one person', async () => {
    const all = await countingSignatures(models, typoFix, NOW, calendar);
    expect(all.map((r) => r.onBehalfOfId ?? r.signerId).sort()).toEqual(['pupil-1', 'pupil-2', 'pupil-3', 'pupil-3']);
    expect((await countingSignatures(models, typoFix, NOW, calendar, { personId: 'pupil-2' })).map((r) => r.signerId)).toEqual(['teacher-1']);
    expect(await countingSignatures(models, typoFix, NOW, calendar, { signerId: 'teacher-1', onBehalfOfId: null })).toEqual([]);
  });
  it('hasSigned (sign pages): the exact signer and person signed for', async () => {
    expect(await hasSigned(models, SCHOOL, typoFix._id, { signerId: 'pupil-1', onBehalfOfId: null }, NOW, calendar)).toBe(true);
    expect(await hasSigned(models, SCHOOL, typoFix._id, { signerId: 'teacher-1', onBehalfOfId: 'pupil-2' }, NOW, calendar)).toBe(true);
    expect(await hasSigned(models, SCHOOL, typoFix._id, { signerId: 'pupil-2', onBehalfOfId: null }, NOW, calendar)).toBe(false);
    expect(await hasSigned(models, SCHOOL, typoFix._id, { signerId: 'pupil-4', onBehalfOfId: null }, NOW, calendar)).toBe(false);
    expect(await hasSigned(models, 'riverside', typoFix._id, { signerId: 'pupil-1', onBehalfOfId: null }, NOW, calendar)).toBe(false);
  });
  it('signatureFor / latestSignatureFor (cards): one person, their own signature or one made for them', async () => {
    expect((await signatureFor(models, typoFix, 'pupil-1', NOW, calendar))?.versionId).toBe(first._id);
    expect((await signatureFor(models, typoFix, 'pupil-2', NOW, calendar))?.signerId).toBe('teacher-1');
    expect(await signatureFor(models, typoFix, 'pupil-3', NOW, calendar)).toBeNull();
    expect((await latestSignatureFor(models, typoFix, 'pupil-3', NOW, calendar))?.outcome).toBe('withdrawn');
    expect(await signatureFor(models, typoFix, 'pupil-4', NOW, calendar)).toBeNull();
    expect((await signatureFor(models, first, 'pupil-4', LAST_YEAR, calendar))?.signerId).toBe('pupil-4');
  });
  it('signedPersonIds (compliance): everyone whose latest counting record completes the version', async () => {
    expect([...(await signedPersonIds(models, typoFix, NOW, calendar))].sort()).toEqual(['pupil-1', 'pupil-2']);
    expect([...(await signedPersonIds(models, first, LAST_YEAR, calendar))]).toEqual(['pupil-4']);
  });
});
