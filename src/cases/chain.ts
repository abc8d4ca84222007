import { createHash } from 'node:crypto';
import type { TimelineEntry } from './timeline-model.js';

/** Turns a value into JSON with sorted keys and ISO dates, so the same entry always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalise(value));
}

function normalise(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === 'object') {
    const src = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(src).sort()) {
      if (key === '_id' || src[key] === undefined) continue;
      out[key] = normalise(src[key]);
    }
    return out;
  }
  return value;
}

/** The fields a hash covers: everything an entry says, plus the previous entry's hash. */
export type HashedFields = Omit<TimelineEntry, 'hash'>;

/** SHA-256 (hex) of an entry's canonical form. */
export function hashEntry(entry: HashedFields): string {
  const { caseId, schoolId, seq, at, by, action, before, after, note, prevHash } = entry;
  return createHash('sha256')
    .update(canonicalJson({ caseId, schoolId, seq, at, by: { email: by.email, name: by.name }, action, before, after, note, prevHash }))
    .digest('hex');
}
