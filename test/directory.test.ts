import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'mongoose';
import { createModels, ensureIndexes, type Models } from '../src/stores.js';
import { demoDirectory, PLAYGROUND_USER_AAD_ID } from '../src/directory/demo-directory.js';
import { syncDirectory } from '../src/directory/sync.js';
import { connectTestDatabase, dropTestDatabase } from './support/db.js';

let conn: Connection;
let models: Models;

beforeAll(async () => {
  conn = await connectTestDatabase('directory');
  models = createModels(conn);
  await ensureIndexes(models);
});
afterAll(async () => dropTestDatabase(conn));

describe('demo directory', () => {
  it('has pupils in every form from Reception to Year 6, each with a parent', () => {
    const people = demoDirectory();
    const pupils = people.filter((p) => p.role === 'pupil');
    expect(new Set(pupils.map((p) => p.yearGroup))).toEqual(new Set(['R', '1', '2', '3', '4', '5', '6']));
    const parents = people.filter((p) => p.role === 'parent');
    for (const pupil of pupils) expect(parents.some((p) => p.childrenIds?.includes(pupil.personId))).toBe(true);
    expect(new Set(people.map((p) => p.personId)).size).toBe(people.length);
  });

  it('maps the Agents Playground user to a member of staff', () => {
    const user = demoDirectory().find((p) => p.aadObjectId === PLAYGROUND_USER_AAD_ID);
    expect(user?.role).toBe('staff');
  });

  it('syncs idempotently and deactivates people who leave', async () => {
    const people = demoDirectory();
    await syncDirectory(models.people, 'northgate', people);
    // A restart with the same directory writes nobody.
    expect(await syncDirectory(models.people, 'northgate', people)).toEqual({ upserted: 0, unchanged: people.length, deactivated: 0 });
    expect(await models.people.countDocuments({ schoolId: 'northgate' })).toBe(people.length);

    const leaver = people.find((p) => p.role === 'pupil');
    const result = await syncDirectory(models.people, 'northgate', people.filter((p) => p !== leaver));
    expect(result.deactivated).toBe(1);
    const stored = await models.people.findOne({ schoolId: 'northgate', personId: leaver?.personId }).lean();
    expect(stored?.active).toBe(false);
  });
});
