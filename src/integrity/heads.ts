import { createHash, createHmac } from 'node:crypto';
import { ErrorCode, LanternError } from '../errors.js';
import type { IntegrityKey } from './key.js';
import { CHAINS, type ChainName } from './seal.js';

/**
 * A chain's head as published where the school keeps a copy (the governors' digest, an exported file):
 * how many entries the chain held up to a moment, and a fingerprint of all of them. A later verify recounts
 * the entries up to the same moment, so an entry deleted afterwards — even the newest, with every counter
 * lowered to match — no longer matches the published fingerprint.
 */
export interface ChainHead {
  schoolId: string;
  chain: ChainName;
  upTo: Date;
  entries: number;
  /** The first 20 hex characters of the SHA-256 of every entry's position and hash, in order. */
  fingerprint: string;
}

/** One entry as the head covers it: which chain within the school (a case id; '' for single chains), its seq and hash. */
export interface HeadLink {
  id: string;
  seq: number;
  hash: string;
}

/** Computes a head from the entries written up to `upTo`. */
export function headOf(schoolId: string, chain: ChainName, upTo: Date, links: readonly HeadLink[]): ChainHead {
  const sorted = [...links].sort((a, b) => (a.id === b.id ? a.seq - b.seq : a.id < b.id ? -1 : 1));
  const digest = createHash('sha256');
  for (const l of sorted) digest.update(`${l.id}\u0000${l.seq}\u0000${l.hash}\n`);
  return { schoolId, chain, upTo, entries: sorted.length, fingerprint: digest.digest('hex').slice(0, 20) };
}

/** The fingerprint as people read it: five groups of four (`3f9a 1c2b 77d0 e4a1 9b2c`). */
export function shortFingerprint(head: Pick<ChainHead, 'fingerprint'>): string {
  return head.fingerprint.match(/.{1,4}/g)?.join(' ') ?? head.fingerprint;
}

/** The head as one line to keep and to pass to `lantern integrity verify --head`. */
export function formatHead(h: ChainHead): string {
  return `${h.schoolId}/${h.chain}/${h.upTo.toISOString()}/${h.entries}/${h.fingerprint}`;
}

/** Reads a head written by formatHead (spaces in the fingerprint are allowed, as the digest prints it). */
export function parseHead(text: string): ChainHead {
  const parts = text.trim().split('/');
  const [schoolId, chain, upTo, entries, ...rest] = parts;
  const fingerprint = rest.join('').replace(/\s+/g, '').toLowerCase();
  const at = new Date(upTo ?? '');
  if (!schoolId || !CHAINS.includes(chain as ChainName) || Number.isNaN(at.getTime()) || !/^\d+$/.test(entries ?? '') || !/^[0-9a-f]{8,64}$/.test(fingerprint)) {
    throw new LanternError(ErrorCode.ConfigInvalid, `"${text}" is not a published head; copy it as the digest or \`lantern integrity heads\` prints it: school/chain/time/entries/fingerprint.`);
  }
  return { schoolId, chain: chain as ChainName, upTo: at, entries: Number(entries), fingerprint };
}

/** Whether the chain today still holds exactly what a published head says it held; a short fingerprint compares by prefix. */
export function headMatches(published: ChainHead, now: ChainHead): boolean {
  return published.entries === now.entries && now.fingerprint.startsWith(published.fingerprint);
}

/** The signed export of heads: a file the school keeps; its MAC shows Lantern's key made it. */
export interface HeadsExport {
  format: 'lantern-heads/v1';
  at: string;
  keyId: string | null;
  heads: string[];
  mac: string | null;
}

function exportMac(key: IntegrityKey, at: string, heads: readonly string[]): string {
  return createHmac('sha256', key.secret).update(`lantern-heads/v1|${at}|${heads.join('\n')}`).digest('hex');
}

/** Builds the export of a set of heads, signed with the key when there is one. */
export function exportHeads(heads: readonly ChainHead[], at: Date, key: IntegrityKey | null): HeadsExport {
  const lines = heads.map(formatHead);
  return { format: 'lantern-heads/v1', at: at.toISOString(), keyId: key?.id ?? null, heads: lines, mac: key ? exportMac(key, at.toISOString(), lines) : null };
}

/** Reads an exported heads file and checks its MAC (when it has one and the key is at hand). */
export function readHeadsExport(text: string, key: IntegrityKey | null): { heads: ChainHead[]; signature: 'valid' | 'invalid' | 'unsigned' | 'not-checked' } {
  let parsed: HeadsExport;
  try {
    parsed = JSON.parse(text) as HeadsExport;
  } catch {
    throw new LanternError(ErrorCode.ConfigInvalid, 'The heads file is not JSON; use the file `lantern integrity heads --out FILE` wrote.');
  }
  if (parsed?.format !== 'lantern-heads/v1' || !Array.isArray(parsed.heads)) {
    throw new LanternError(ErrorCode.ConfigInvalid, 'The heads file is not one `lantern integrity heads --out FILE` wrote.');
  }
  const heads = parsed.heads.map(parseHead);
  if (!parsed.mac) return { heads, signature: 'unsigned' };
  if (!key) return { heads, signature: 'not-checked' };
  return { heads, signature: exportMac(key, parsed.at, parsed.heads) === parsed.mac ? 'valid' : 'invalid' };
}
