import { createHash } from 'node:crypto';
import type { Models } from '../stores.js';
import type { HeadLink } from '../integrity/heads.js';
import type { IntegrityKey } from '../integrity/key.js';
import { checkSeal, emptyTally, sealFields, tallySeal, type Sealed, type SealTally } from '../integrity/seal.js';
import { canonicalJson } from '../integrity/canonical.js';

/** The fields of a change-log entry its hash covers. */
export interface ChangeContent {
  schoolId: string;
  seq: number;
  at: Date;
  who: string;
  why: string;
  what: unknown;
}

/** SHA-256 (hex) of an entry's content: what its seal is made over and what a published head counts. */
export function changeHash(e: ChangeContent): string {
  return createHash('sha256').update(canonicalJson({ schoolId: e.schoolId, seq: e.seq, at: new Date(e.at), who: e.who, why: e.why, what: e.what })).digest('hex');
}

/** The document to insert for a change, sealed when a key is configured. */
export function sealedChange(key: IntegrityKey | null, content: ChangeContent): ChangeContent & Sealed {
  return { ...content, ...sealFields(key, 'monitoring', changeHash(content)) };
}

/** One problem in a school's change log. */
export interface ChangeLogIssue {
  kind: 'missing' | 'unsealed' | 'forged';
  seq: number;
  detail: string;
}

/** What checking a school's change log found. */
export interface ChangeLogReport {
  schoolId: string;
  entries: number;
  seals: SealTally | null;
  issues: ChangeLogIssue[];
}

/** Checks a school's change log: seqs run 1, 2, 3 … and, with the key, every entry's seal matches its content. */
export async function verifyChangeLog(models: Pick<Models, 'monitoringChanges'>, schoolId: string, key: IntegrityKey | null): Promise<ChangeLogReport> {
  const docs = await models.monitoringChanges.find({ schoolId }).sort({ seq: 1 }).lean();
  const issues: ChangeLogIssue[] = [];
  const seals = key ? emptyTally() : null;
  let expected = 1;
  for (const d of docs) {
    if (d.seq > expected) issues.push({ kind: 'missing', seq: expected, detail: d.seq - 1 === expected ? `entry ${expected} is missing` : `entries ${expected}–${d.seq - 1} are missing` });
    expected = d.seq + 1;
    if (!key || !seals) continue;
    const sealed = { mac: d.mac ?? null, anchoredAt: d.anchoredAt ?? null };
    const check = checkSeal(key, 'monitoring', changeHash(d as ChangeContent), sealed);
    tallySeal(seals, check, sealed);
    if (check === 'unsealed') issues.push({ kind: 'unsealed', seq: d.seq, detail: `entry ${d.seq} has no seal: it was added outside Lantern` });
    if (check === 'forged') issues.push({ kind: 'forged', seq: d.seq, detail: `entry ${d.seq}'s seal does not match its content: it was changed outside Lantern` });
  }
  return { schoolId, entries: docs.length, seals, issues };
}

/** The change-log entries written up to `upTo`, as a published head covers them. */
export async function changeLogLinks(models: Pick<Models, 'monitoringChanges'>, schoolId: string, upTo: Date): Promise<HeadLink[]> {
  const docs = await models.monitoringChanges.find({ schoolId, at: { $lte: upTo } }).lean();
  return docs.map((d) => ({ id: '', seq: d.seq, hash: changeHash(d as ChangeContent) }));
}
