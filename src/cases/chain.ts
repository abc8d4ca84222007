import { createHash } from 'node:crypto';
import { canonicalJson } from '../integrity/canonical.js';
import type { TimelineEntry } from './timeline-model.js';

export { canonicalJson } from '../integrity/canonical.js';

/** The fields a hash covers: everything an entry says, plus the previous entry's hash. */
export type HashedFields = Omit<TimelineEntry, 'hash'>;

/** SHA-256 (hex) of an entry's canonical form; `redacts` counts only where present, so older entries hash as before. */
export function hashEntry(entry: HashedFields): string {
  const { caseId, schoolId, seq, at, by, action, before, after, note, redacts, prevHash } = entry;
  return createHash('sha256')
    .update(canonicalJson({ caseId, schoolId, seq, at, by: { email: by.email, name: by.name }, action, before, after, note, redacts: redacts ?? undefined, prevHash }))
    .digest('hex');
}
