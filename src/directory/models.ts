import type { Connection } from 'mongoose';
import { personSchema } from './person.js';
import { directorySyncRunSchema } from './sync-run-model.js';

/** Compiles the collections of the school's people and directory sync runs on one connection. */
export function createDirectoryModels(conn: Connection) {
  return {
    people: conn.model('Person', personSchema, 'people'),
    directorySyncRuns: conn.model('DirectorySyncRun', directorySyncRunSchema, 'directory_sync_runs'),
  };
}

/** The models createDirectoryModels compiles: what this capability stores. */
export type DirectoryModels = ReturnType<typeof createDirectoryModels>;
