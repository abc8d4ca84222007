import { verifyChain } from '../../agreements/verify.js';
import { verifyCases } from '../../cases/verify.js';
import { formatHead, headMatches, shortFingerprint, type ChainHead } from '../../integrity/heads.js';
import type { IntegrityKey } from '../../integrity/key.js';
import type { ChainName, SealTally } from '../../integrity/seal.js';
import { verifyChangeLog } from '../../monitoring/change-chain.js';
import { verifyConsentChain } from '../../parents/consent-chain.js';
import type { Models } from '../../stores.js';
import { chainHead } from './heads.js';

/** What the school calls each chain. */
export const CHAIN_LABELS: Readonly<Record<ChainName, string>> = { cases: 'case timelines', signatures: 'signature evidence', monitoring: 'monitoring change log', consents: 'parents\' consents' };

/** One chain of one school, checked. */
export interface ChainCheck {
  schoolId: string;
  chain: ChainName;
  entries: number;
  /** Cases checked, for the case timelines. */
  cases?: number;
  /** Case timeline entries redacted when their case became "do not view", checked against their redaction. */
  redacted?: number;
  /** Parents' answers stored before consents were chained: counted, not checked. */
  beforeChaining?: number;
  seals: SealTally | null;
  problems: string[];
}

/** A published head compared with the chain today. */
export interface HeadCheck {
  published: ChainHead;
  now: ChainHead;
  matches: boolean;
}

/** Everything `lantern integrity verify` checked and found. */
export interface IntegrityReport {
  key: Pick<IntegrityKey, 'id' | 'source'> | null;
  chains: ChainCheck[];
  heads: HeadCheck[];
  ok: boolean;
}

/**
 * Checks each school's chains (hashes, links, numbering and, with the key, every seal) and compares
 * each published head with what the chain holds today up to the head's moment.
 */
export async function verifyIntegrity(models: Models, schoolIds: readonly string[], published: readonly ChainHead[]): Promise<IntegrityReport> {
  const chains: ChainCheck[] = [];
  for (const schoolId of schoolIds) {
    const cases = await verifyCases(models, schoolId);
    chains.push({
      schoolId,
      chain: 'cases',
      entries: cases.entries,
      cases: cases.checked,
      redacted: cases.redacted,
      seals: cases.seals,
      problems: cases.issues.filter((i) => i.kind !== 'cache-stale').map((i) => `${i.caseNumber}${i.seq === null ? '' : ` entry ${i.seq}`}: ${i.message}`),
    });
    const signatures = await verifyChain(models, schoolId);
    chains.push({ schoolId, chain: 'signatures', entries: signatures.records, seals: signatures.seals, problems: signatures.issues.map((i) => `[${i.kind}] ${i.detail}`) });
    const changes = await verifyChangeLog(models, schoolId, models.integrity);
    chains.push({ schoolId, chain: 'monitoring', entries: changes.entries, seals: changes.seals, problems: changes.issues.map((i) => `[${i.kind}] ${i.detail}`) });
    const consents = await verifyConsentChain(models, schoolId, models.integrity);
    chains.push({ schoolId, chain: 'consents', entries: consents.entries, beforeChaining: consents.beforeChaining, seals: consents.seals, problems: consents.issues.map((i) => `[${i.kind}] ${i.detail}`) });
  }
  const heads: HeadCheck[] = [];
  for (const head of published) {
    const now = await chainHead(models, head.schoolId, head.chain, head.upTo);
    heads.push({ published: head, now, matches: headMatches(head, now) });
  }
  const ok = chains.every((c) => c.problems.length === 0) && heads.every((h) => h.matches);
  return { key: models.integrity ? { id: models.integrity.id, source: models.integrity.source } : null, chains, heads, ok };
}

function sealLine(seals: SealTally | null): string {
  if (!seals) return 'seals not checked (no key)';
  const migrated = seals.anchoredByMigration > 0 && seals.anchoredAt
    ? `; ${seals.anchoredByMigration} written before ${seals.anchoredAt.toISOString()} were sealed at migration time then (their content before that rests on the hash chain alone)`
    : '';
  return `${seals.sealed} sealed${migrated}`;
}

/** The report as lines for people: what was checked, with which key, against which heads, and what to keep. */
export function describeIntegrity(report: IntegrityReport): string[] {
  const out: string[] = [];
  out.push(report.key
    ? `Key: ${report.key.id} (from ${report.key.source}); every entry's seal was checked with it.`
    : 'Key: none configured, so seals were not checked: only the hash chains were, and someone with write access to the database could rewrite a chain end to end undetected. Set integrity.keyFile or LANTERN_INTEGRITY_KEY.');
  for (const c of report.chains) {
    const redacted = c.redacted ? ` (${c.redacted} redacted when their case became "do not view", checked against the hash sealed when written)` : '';
    const older = c.beforeChaining ? ` (and ${c.beforeChaining} written before chaining, not checked)` : '';
    const what = c.chain === 'cases' ? `${c.cases ?? 0} case(s), ${c.entries} entries${redacted}` : `${c.entries} entries${older}`;
    out.push(`${c.problems.length === 0 ? '✓' : '✗'} ${c.schoolId} ${CHAIN_LABELS[c.chain]}: ${what}, ${sealLine(c.seals)}${c.problems.length === 0 ? '; intact' : `; ${c.problems.length} problem(s):`}`);
    for (const p of c.problems) out.push(`    ${p}`);
  }
  if (report.heads.length === 0) {
    out.push('Heads compared: none. Pass --head (as printed in a governors\' digest) or --heads FILE to show that nothing was deleted from the end of a chain since then.');
  }
  for (const h of report.heads) {
    const label = `${h.published.schoolId} ${CHAIN_LABELS[h.published.chain]} up to ${h.published.upTo.toISOString()}`;
    out.push(h.matches
      ? `✓ head ${label}: ${h.now.entries} entries, fingerprint ${shortFingerprint(h.published)} matches`
      : `✗ head ${label}: published ${h.published.entries} entries, fingerprint ${shortFingerprint(h.published)}; the chain now holds ${h.now.entries}, fingerprint ${shortFingerprint(h.now)} (${formatHead(h.now)}): entries written by then were deleted or rewritten since`);
  }
  out.push('Keep: a copy of the integrity key away from the database server, and the heads each governors\' digest prints (or `lantern integrity heads --out FILE`) where the database\'s administrators cannot change them.');
  out.push(report.ok ? 'Result: intact.' : 'Result: PROBLEMS FOUND. Keep a copy of the database as it is now and tell your DPO.');
  return out;
}
