import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { applyDirectory } from '../../src/directory/apply.js';
import { demoDirectory } from '../../src/directory/demo-directory.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';

let conn: Connection;
let models: Models;

beforeAll(async () => {
  conn = await connectTestDatabase('dirapply');
  models = createModels(conn);
  await ensureIndexes(models);
});
afterAll(async () => dropTestDatabase(conn));

describe('applying a directory read', () => {
  it('writes only what changed: a second identical read changes nothing, a changed list or form is an update', async () => {
    const people = demoDirectory();
    expect(await applyDirectory(models.people, 'northgate', people)).toMatchObject({ added: people.length, updated: 0, deactivated: 0 });
    expect(await applyDirectory(models.people, 'northgate', people)).toMatchObject({ added: 0, updated: 0, unchanged: people.length });

    const changed = people.map((p) => (p.personId === 'staff-005' ? { ...p, formsTaught: ['Robins', 'Wrens'] } : p.personId === 'pupil-001' ? { ...p, form: undefined } : p));
    expect(await applyDirectory(models.people, 'northgate', changed)).toMatchObject({ updated: 2, unchanged: people.length - 2 });
    expect((await models.people.findOne({ personId: 'staff-005' }).lean())?.formsTaught).toEqual(['Robins', 'Wrens']);
    expect((await models.people.findOne({ personId: 'pupil-001' }).lean())?.form).toBeUndefined();
  });

  it('lets an empty read through only when nobody is stored yet', async () => {
    expect(await applyDirectory(models.people, 'empty-school', [])).toMatchObject({ added: 0, deactivated: 0 });
    await expect(applyDirectory(models.people, 'northgate', [])).rejects.toMatchObject({ code: 'directory_sync_refused' });
  });
});
