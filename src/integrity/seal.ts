import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IntegrityKey } from './key.js';

/** The chains Lantern seals: a school's case timelines, signature evidence, monitoring change log and parents' consents. */
export const CHAINS = ['cases', 'signatures', 'monitoring', 'consents'] as const;
/** One of the sealed chains. */
export type ChainName = (typeof CHAINS)[number];

/** What a seal is stored as on an entry: the MAC, and when it was added if that was after the entry was written. */
export interface Sealed {
  mac?: string | null;
  /** Set on entries written before Lantern sealed entries: they were sealed by the one-off migration at this time. */
  anchoredAt?: Date | null;
}

function macInput(chain: ChainName, hash: string, anchoredAt: Date | null | undefined): string {
  return `lantern-integrity/v1|${chain}|${anchoredAt ? new Date(anchoredAt).toISOString() : ''}|${hash}`;
}

/** HMAC-SHA256 (hex) of an entry's hash under the key: a rewrite with recomputed hashes cannot recompute this. */
export function sealOf(key: IntegrityKey, chain: ChainName, hash: string, anchoredAt?: Date | null): string {
  return createHmac('sha256', key.secret).update(macInput(chain, hash, anchoredAt)).digest('hex');
}

/** The seal fields to store with a new entry; none when no key is configured. */
export function sealFields(key: IntegrityKey | null, chain: ChainName, hash: string): Sealed {
  return key ? { mac: sealOf(key, chain, hash) } : {};
}

/** How an entry's seal checks out: `unsealed` has no MAC, `forged` has one the key did not make. */
export type SealCheck = 'ok' | 'unsealed' | 'forged';

/** Checks a stored entry's MAC against its hash. */
export function checkSeal(key: IntegrityKey, chain: ChainName, hash: string, sealed: Sealed): SealCheck {
  if (!sealed.mac) return 'unsealed';
  const expected = Buffer.from(sealOf(key, chain, hash, sealed.anchoredAt), 'hex');
  const got = Buffer.from(sealed.mac, 'hex');
  return got.length === expected.length && timingSafeEqual(got, expected) ? 'ok' : 'forged';
}

/** Tallies seal checks across a chain, for verify's summary. */
export interface SealTally {
  sealed: number;
  /** Entries sealed by the migration, and the migration's time (the earliest, if it ran more than once). */
  anchoredByMigration: number;
  anchoredAt: Date | null;
  unsealed: number;
  forged: number;
}

/** An empty tally. */
export function emptyTally(): SealTally {
  return { sealed: 0, anchoredByMigration: 0, anchoredAt: null, unsealed: 0, forged: 0 };
}

/** Adds one entry's check to a tally. */
export function tallySeal(tally: SealTally, check: SealCheck, sealed: Sealed): void {
  if (check === 'unsealed') tally.unsealed += 1;
  else if (check === 'forged') tally.forged += 1;
  else tally.sealed += 1;
  if (check === 'ok' && sealed.anchoredAt) {
    tally.anchoredByMigration += 1;
    const at = new Date(sealed.anchoredAt);
    if (!tally.anchoredAt || at < tally.anchoredAt) tally.anchoredAt = at;
  }
}
