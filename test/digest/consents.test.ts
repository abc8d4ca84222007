import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type School } from '../../src/config/load.js';
import { readDigestData, renderDigest } from '../../src/digest/assemble.js';
import { demoDirectory } from '../../src/directory/demo-directory.js';
import { syncDirectory } from '../../src/directory/sync.js';
import { appendConsent, type ConsentInput } from '../../src/parents/consents.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';
import { NOW, WEEK } from './fixtures.js';

let conn: Connection;
let models: Models;
const school = loadConfig({ env: {} }).schools[0] as School;

beforeAll(async () => {
  conn = await connectTestDatabase('digest_consents');
  models = createModels(conn);
  await ensureIndexes(models);
  await syncDirectory(models.people, school.id, demoDirectory());
});
afterAll(async () => dropTestDatabase(conn));

describe('the digest counts parents\' consents', () => {
  it('per consent type: given, not given, withdrawn and not answered, with small counts hidden and no names', async () => {
    const pupils = (await models.people.find({ schoolId: school.id, role: 'pupil', active: true }).lean()).map((p) => p.personId);
    expect(pupils.length).toBeGreaterThan(6);
    const answer = (pupilId: string, decision: ConsentInput['decision']): ConsentInput => ({
      schoolId: school.id, pupilId, kind: 'photos', decision, parentId: `parent-${pupilId}`, typedName: 'A Parent', tokenHash: 't',
    });
    const at = new Date(NOW.getTime() - 86_400_000);
    for (const p of pupils.slice(0, 3)) await appendConsent(models, answer(p, 'given'), at);
    await appendConsent(models, answer(pupils[3]!, 'refused'), at);
    await appendConsent(models, answer(pupils[4]!, 'given'), at);
    await appendConsent(models, answer(pupils[4]!, 'withdrawn'), new Date(at.getTime() + 1000));

    const data = await readDigestData(models, school, WEEK, NOW);
    if (data.consents?.state !== 'ok') throw new Error('no consent counts');
    const photos = data.consents.data.types.find((t) => t.label.toLowerCase().includes('photo'))!;
    expect(photos).toMatchObject({ given: 3, notGiven: 1, withdrawn: 1, notAnswered: pupils.length - 5 });

    const { text } = renderDigest(data, 'Europe/London');
    const section = text.slice(text.indexOf('PARENTS\' CONSENTS'), text.indexOf('RECORD FINGERPRINTS'));
    expect(section).toMatch(/Given/);
    expect(section).toContain('fewer than 3');
    expect(text).not.toContain(pupils[4]!);
  });
});
