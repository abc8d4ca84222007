import type { School } from '../config/load.js';
import { readDirectoryCsv } from './csv.js';
import { demoDirectory } from './demo-directory.js';
import type { PersonInput } from './person.js';

/** The people of a directory read from disk (demo or CSV); undefined for a remote one (Google, Entra, Wonde). */
export function readLocalDirectory(school: School): PersonInput[] | undefined {
  const d = school.directory;
  if (d.source === 'demo') return demoDirectory();
  if (d.source === 'csv') return readDirectoryCsv(d.file);
  return undefined;
}
