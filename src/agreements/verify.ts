import type { Models } from '../stores.js';
import { genesisHash, recordHash } from './evidence.js';
import type { AgreementSignature } from './signature-model.js';
import type { AgreementVersion } from './version-model.js';
import type { HeadLink } from '../integrity/heads.js';
import { checkSeal, emptyTally, tallySeal, type SealTally } from '../integrity/seal.js';

/** One problem verify found, with where in the chain it is. */
export interface ChainIssue {
  kind: 'edited' | 'inserted' | 'deleted' | 'broken' | 'backdated' | 'unknown-version' | 'unsealed' | 'forged';
  /** The seq of the record concerned (for deletions, the first missing seq). */
  seq: number;
  detail: string;
}

/** The outcome of checking one school's chain. */
export interface ChainReport {
  schoolId: string;
  records: number;
  /** The seals checked (null when no integrity key is configured). */
  seals: SealTally | null;
  ok: boolean;
  issues: ChainIssue[];
}

/**
 * Walks a school's signature chain in seq order and reports every record whose contents no longer
 * match its hash (edited), every gap in the numbering (deleted), every record that does not belong in
 * the numbering (inserted), every link that no longer points at the record before (broken), and every
 * signature that cannot be true of its version: dated before the version was published (backdated), or
 * naming a version that does not exist or whose text hash differs (unknown-version). A backdated record
 * can hash correctly (written with a wrong clock, or re-chained), so the dates are checked too.
 */
export async function verifyChain(models: Pick<Models, 'integrity' | 'agreementSignatures' | 'agreementChainHeads' | 'agreementVersions'>, schoolId: string): Promise<ChainReport> {
  const versions = await models.agreementVersions.find({ schoolId }).lean<AgreementVersion[]>();
  const cursor = models.agreementSignatures.find({ schoolId }).sort({ seq: 1 }).lean<AgreementSignature[]>().cursor() as AsyncIterable<AgreementSignature>;
  // The head is read after the records, so a record written meanwhile is not reported missing.
  return checkChain(schoolId, cursor, versions, async () => (await models.agreementChainHeads.findById(schoolId).lean<{ seq: number }>())?.seq, models.integrity);
}

/**
 * The checks of `verifyChain` over a school's records in seq order, its versions, and the seq its chain head
 * names (read once the records have been walked), for callers that have already read them.
 */
export async function checkChain(
  schoolId: string,
  recordsInSeqOrder: AsyncIterable<AgreementSignature> | Iterable<AgreementSignature>,
  versionList: readonly AgreementVersion[],
  headSeq: () => Promise<number | undefined> | number | undefined,
  key: Models['integrity'] = null,
): Promise<ChainReport> {
  const issues: ChainIssue[] = [];
  const seals = emptyTally();
  const versions = new Map(versionList.map((v) => [v._id, v]));
  let expectedSeq = 1;
  let prevHash = genesisHash(schoolId);
  let records = 0;
  for await (const r of recordsInSeqOrder) {
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
    if (key) {
      const check = checkSeal(key, 'signatures', r.hash, r);
      tallySeal(seals, check, r);
      if (check === 'unsealed') issues.push({ kind: 'unsealed', seq: r.seq, detail: `record ${r.seq} has no seal: it was written outside Lantern` });
      if (check === 'forged') issues.push({ kind: 'forged', seq: r.seq, detail: `record ${r.seq}'s seal does not match: the record or the chain was rewritten outside Lantern` });
    }
    const version = versions.get(r.versionId);
    if (!version || version.hash !== r.versionHash) {
      issues.push({ kind: 'unknown-version', seq: r.seq, detail: `record ${r.seq} names version ${r.versionId}, which ${version ? 'had a different text' : 'does not exist'}` });
    } else if (new Date(r.signedAt).getTime() < new Date(version.publishedAt).getTime()) {
      issues.push({ kind: 'backdated', seq: r.seq, detail: `record ${r.seq} is dated ${new Date(r.signedAt).toISOString()}, before version ${version.number} of ${version.policyId} was published (${new Date(version.publishedAt).toISOString()})` });
    }
    expectedSeq = r.seq + 1;
    prevHash = r.hash;
  }
  const head = await headSeq();
  if (head !== undefined && head >= expectedSeq) {
    issues.push({ kind: 'deleted', seq: expectedSeq, detail: head === expectedSeq ? `record ${expectedSeq} (the last) is missing` : `records ${expectedSeq}–${head} at the end are missing` });
  }
  return { schoolId, records, seals: key ? seals : null, ok: issues.length === 0, issues };
}

/** A school's signature records written up to `upTo`, as a published head covers them. */
export async function signatureLinks(models: Pick<Models, 'agreementSignatures'>, schoolId: string, upTo: Date): Promise<HeadLink[]> {
  const rows = await models.agreementSignatures.find({ schoolId, signedAt: { $lte: upTo } }, { seq: 1, hash: 1 }).lean();
  return rows.map((r) => ({ id: '', seq: r.seq, hash: r.hash }));
}
