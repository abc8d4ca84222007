import type { Model } from 'mongoose';
import type { School } from '../config/load.js';
import type { Person, PersonInput } from './person.js';
import { readDirectory, type DirectoryReadContext } from './source.js';

/** Reads the people a school's configured directory source lists (remote sources need `ctx`); see readDirectory. */
export async function readDirectorySource(school: School, ctx?: DirectoryReadContext): Promise<PersonInput[]> {
  return (await readDirectory(school, ctx)).people;
}

/**
 * Upserts the school's people by personId and marks anyone no longer listed inactive (never deleted:
 * signatures and cases keep pointing at them). Returns counts for the start-up message.
 */
export async function syncDirectory(people: Model<Person>, schoolId: string, entries: readonly PersonInput[]): Promise<{ upserted: number; deactivated: number }> {
  // One upsert per person: FerretDB v1 stalls on a bulkWrite whose upserts match existing documents
  // (see docs/mongodb-subset.md), and a directory is a few thousand people at most.
  for (const entry of entries) {
    await people.updateOne({ schoolId, personId: entry.personId }, { $set: { ...entry, schoolId, active: true } }, { upsert: true });
  }
  const listed = entries.map((e) => e.personId);
  const result = await people.updateMany({ schoolId, active: true, personId: { $nin: listed } }, { $set: { active: false } });
  return { upserted: entries.length, deactivated: result.modifiedCount };
}
