import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordSignature } from '../../src/agreements/evidence.js';
import { findTemplate, loadPolicyLibrary } from '../../src/agreements/library.js';
import { publishVersion } from '../../src/agreements/versions.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { hasSigned } from '../../src/agreements/signing.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';
import { calendarOf } from '../../src/agreements/academic-year.js';

// The demo school's calendar: 1 September, Europe/London.
const calendar = calendarOf({ timezone: 'Europe/London' });
let conn: Connection;
let models: Models;

beforeAll(async () => {
  conn = await connectTestDatabase('sign_yearly');
  models = createModels(conn);
  await ensureIndexes(models);
});
afterAll(async () => dropTestDatabase(conn));

describe('the pupil page asks again each academic year', () => {
  it('does not count last year\'s signature of a yearly agreement, and counts this year\'s', async () => {
    const template = findTemplate(loadPolicyLibrary(), 'pupil-aua-ks2');
    expect(template.yearly).toBe(true);
    const { version } = await publishVersion(models, template, { schoolId: 'northgate', by: 'test', clock: () => new Date('2024-08-20T09:00:00Z') });
    const lastYear = new Date(Date.now() - 400 * 86_400_000);
    await recordSignature(models, { schoolId: 'northgate', versionId: version._id, signerId: 'pupil-007', channel: 'classroom' }, calendar, () => lastYear);
    expect(await hasSigned(models, 'northgate', version._id, { signerId: 'pupil-007', onBehalfOfId: null }, new Date(), calendar)).toBe(false);
    await recordSignature(models, { schoolId: 'northgate', versionId: version._id, signerId: 'pupil-007', channel: 'classroom' }, calendar, () => new Date());
    expect(await hasSigned(models, 'northgate', version._id, { signerId: 'pupil-007', onBehalfOfId: null }, new Date(), calendar)).toBe(true);
  });
});
