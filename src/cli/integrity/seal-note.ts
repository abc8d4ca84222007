import type { IntegrityKey } from '../../integrity/key.js';

/** The line the older verify commands end with: which key checked the seals, and where deletions from the end are caught. */
export function sealNote(key: IntegrityKey | null): string {
  return key
    ? `Seals checked with integrity key ${key.id} (${key.source}). To show nothing was deleted from the end, run lantern integrity verify --head with a head from a governors' digest.`
    : 'No integrity key: seals were not checked, so a chain rewritten with recomputed hashes would pass. Set integrity.keyFile or LANTERN_INTEGRITY_KEY (see lantern doctor).';
}

/** The line saying how many entries were redacted when their case became "do not view" (not a problem). */
export function redactionNote(redacted: number): string {
  return `${redacted} entr${redacted === 1 ? 'y was' : 'ies were'} redacted when their case became "do not view" (links, file names and item ids removed): each matches the redaction recorded in its case's timeline and the hash sealed when it was written.`;
}
