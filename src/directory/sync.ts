import type { Model } from 'mongoose';
import type { School } from '../config/load.js';
import { applyDirectory } from './apply.js';
import type { Person, PersonInput } from './person.js';
import { readDirectory, type DirectoryReadContext } from './source.js';

/** Reads the people a school's configured directory source lists (remote sources need `ctx`); see readDirectory. */
export async function readDirectorySource(school: School, ctx?: DirectoryReadContext): Promise<PersonInput[]> {
  return (await readDirectory(school, ctx)).people;
}

/**
 * Writes a complete local directory read (the CSV or the demo) through `applyDirectory`: one read of the stored
 * people, then a write only for someone added, changed or gone, so a restart with an unchanged directory writes
 * nothing. Returns counts for the start-up message.
 */
export async function syncDirectory(people: Model<Person>, schoolId: string, entries: readonly PersonInput[]): Promise<{ upserted: number; unchanged: number; deactivated: number }> {
  const changes = await applyDirectory(people, schoolId, entries);
  return { upserted: changes.added + changes.updated + changes.reactivated, unchanged: changes.unchanged, deactivated: changes.deactivated };
}
