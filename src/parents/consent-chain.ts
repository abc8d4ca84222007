import { createHash } from 'node:crypto';
import type { Models } from '../stores.js';
import type { HeadLink } from '../integrity/heads.js';
import type { IntegrityKey } from '../integrity/key.js';
import { canonicalJson } from '../integrity/canonical.js';
import { checkSeal, emptyTally, sealFields, tallySeal, type Sealed, type SealTally } from '../integrity/seal.js';
import type { ConsentRecord } from './consent-model.js';

/** The fields of a consent answer its chain hash covers: the answer itself and its place in the school's chain. */
export interface ConsentLinkContent {
  schoolId: string;
  chainSeq: number;
  prevHash: string;
  pupilId: string;
  kind: string;
  seq: number;
  decision: string;
  parentId: string;
  typedName: string;
  tokenHash: string;
  versionHash?: string | null;
  at: Date;
  client?: { ip?: string | null; userAgent?: string | null } | null;
}

/** SHA-256 (hex) of a consent answer's content and its link to the answer before it in the school's chain. */
export function consentHash(c: ConsentLinkContent): string {
  return createHash('sha256')
    .update(canonicalJson({
      schoolId: c.schoolId, chainSeq: c.chainSeq, prevHash: c.prevHash, pupilId: c.pupilId, kind: c.kind, seq: c.seq, decision: c.decision,
      parentId: c.parentId, typedName: c.typedName, tokenHash: c.tokenHash, versionHash: c.versionHash ?? null, at: new Date(c.at),
      client: { ip: c.client?.ip ?? null, userAgent: c.client?.userAgent ?? null },
    }))
    .digest('hex');
}

/** The chain fields to store on a new answer: its hash and, when a key is configured, its seal. */
export function chainFields(key: IntegrityKey | null, content: ConsentLinkContent): { hash: string } & Sealed {
  const hash = consentHash(content);
  return { hash, ...sealFields(key, 'consents', hash) };
}

/** One problem in a school's consent chain. */
export interface ConsentChainIssue {
  kind: 'missing' | 'broken' | 'edited' | 'unsealed' | 'forged' | 'unchained';
  detail: string;
}

/** What checking a school's consent chain found. */
export interface ConsentChainReport {
  schoolId: string;
  entries: number;
  /** Answers stored before consents were chained: reported, not checked. */
  beforeChaining: number;
  seals: SealTally | null;
  issues: ConsentChainIssue[];
}

type ChainedConsent = ConsentRecord & { chainSeq?: number | null; prevHash?: string | null; hash?: string | null; mac?: string | null; anchoredAt?: Date | null };

/**
 * Checks a school's consent chain: numbering 1, 2, 3 …, each answer's hash over its content, each link to the
 * answer before it and, with the key, every seal. Answers older than the first chained one were written before
 * chaining; an unchained answer after it was added or stripped outside Lantern.
 */
export async function verifyConsentChain(models: Pick<Models, 'parentConsents'>, schoolId: string, key: IntegrityKey | null): Promise<ConsentChainReport> {
  const all = await models.parentConsents.find({ schoolId }).lean<ChainedConsent[]>();
  const chained = all.filter((d) => typeof d.chainSeq === 'number').sort((a, b) => (a.chainSeq ?? 0) - (b.chainSeq ?? 0));
  const firstAt = chained[0] ? new Date(chained[0].at).getTime() : Infinity;
  const issues: ConsentChainIssue[] = [];
  let beforeChaining = 0;
  for (const d of all) {
    if (typeof d.chainSeq === 'number') continue;
    if (new Date(d.at).getTime() < firstAt) beforeChaining += 1;
    else issues.push({ kind: 'unchained', detail: `the ${d.kind} answer of ${new Date(d.at).toISOString()} for pupil ${d.pupilId} is not in the chain: it was added or changed outside Lantern` });
  }
  const seals = key ? emptyTally() : null;
  let expected = 1;
  let prevHash = '';
  for (const d of chained) {
    const n = d.chainSeq as number;
    if (n > expected) issues.push({ kind: 'missing', detail: n - 1 === expected ? `answer ${expected} is missing` : `answers ${expected}–${n - 1} are missing` });
    if (n === expected && d.prevHash !== prevHash) issues.push({ kind: 'broken', detail: `answer ${n} does not link to answer ${n - 1}` });
    expected = n + 1;
    const hash = consentHash({ ...d, chainSeq: n, prevHash: d.prevHash ?? '' } as ConsentLinkContent);
    prevHash = d.hash ?? '';
    if (hash !== d.hash) issues.push({ kind: 'edited', detail: `answer ${n} (${d.kind}, pupil ${d.pupilId}) does not match its hash: it was changed outside Lantern` });
    if (!key || !seals) continue;
    const sealed = { mac: d.mac ?? null, anchoredAt: d.anchoredAt ?? null };
    const check = checkSeal(key, 'consents', hash, sealed);
    tallySeal(seals, check, sealed);
    if (check === 'unsealed') issues.push({ kind: 'unsealed', detail: `answer ${n} has no seal: it was added outside Lantern` });
    if (check === 'forged') issues.push({ kind: 'forged', detail: `answer ${n}'s seal does not match its content: it was changed outside Lantern` });
  }
  return { schoolId, entries: chained.length, beforeChaining, seals, issues };
}

/** The chained consent answers written up to `upTo`, as a published head covers them. */
export async function consentLinks(models: Pick<Models, 'parentConsents'>, schoolId: string, upTo: Date): Promise<HeadLink[]> {
  const docs = await models.parentConsents.find({ schoolId, chainSeq: { $exists: true }, at: { $lte: upTo } }).lean<ChainedConsent[]>();
  return docs.map((d) => ({ id: '', seq: d.chainSeq as number, hash: consentHash({ ...d, prevHash: d.prevHash ?? '' } as ConsentLinkContent) }));
}
