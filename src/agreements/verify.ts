import type { Models } from '../db/models.js';
import { genesisHash, recordHash } from './evidence.js';
import type { AgreementSignature } from './signature-model.js';

/** One problem verify found, with where in the chain it is. */
export interface ChainIssue {
  kind: 'edited' | 'inserted' | 'deleted' | 'broken';
  /** The seq of the record concerned (for deletions, the first missing seq). */
  seq: number;
  detail: string;
}

/** The outcome of checking one school's chain. */
export interface ChainReport {
  schoolId: string;
  records: number;
  ok: boolean;
  issues: ChainIssue[];
}

/**
 * Walks a school's signature chain in seq order and reports every record whose contents no longer
 * match its hash (edited), every gap in the numbering (deleted), every record that does not belong in
 * the numbering (inserted), and every link that no longer points at the record before (broken).
 */
export async function verifyChain(models: Pick<Models, 'agreementSignatures' | 'agreementChainHeads'>, schoolId: string): Promise<ChainReport> {
  const issues: ChainIssue[] = [];
  let expectedSeq = 1;
  let prevHash = genesisHash(schoolId);
  let records = 0;
  const cursor = models.agreementSignatures.find({ schoolId }).sort({ seq: 1 }).lean<AgreementSignature[]>().cursor();
  for await (const doc of cursor) {
    const r = doc as unknown as AgreementSignature;
    records += 1;
    if (!Number.isInteger(r.seq) || r.seq < expectedSeq) {
      issues.push({ kind: 'inserted', seq: r.seq, detail: `a record numbered ${r.seq} sits between ${expectedSeq - 1} and ${expectedSeq}: it was added outside Lantern` });
      continue;
    }
    if (r.seq > expectedSeq) {
      const last = r.seq - 1;
      issues.push({ kind: 'deleted', seq: expectedSeq, detail: last === expectedSeq ? `record ${expectedSeq} is missing` : `records ${expectedSeq}–${last} are missing` });
    } else if (r.prevHash !== prevHash) {
      issues.push({ kind: 'broken', seq: r.seq, detail: `record ${r.seq} does not point at record ${r.seq - 1}: a record before it was replaced or re-hashed` });
    }
    if (recordHash(r) !== r.hash) {
      issues.push({ kind: 'edited', seq: r.seq, detail: `record ${r.seq} was changed after it was written (its contents no longer match its hash)` });
    }
    expectedSeq = r.seq + 1;
    prevHash = r.hash;
  }
  const head = await models.agreementChainHeads.findById(schoolId).lean<{ seq: number }>();
  if (head && head.seq >= expectedSeq) {
    issues.push({ kind: 'deleted', seq: expectedSeq, detail: head.seq === expectedSeq ? `record ${expectedSeq} (the last) is missing` : `records ${expectedSeq}–${head.seq} at the end are missing` });
  }
  return { schoolId, records, ok: issues.length === 0, issues };
}
