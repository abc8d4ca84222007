import { createHash, randomBytes } from 'node:crypto';
import type { Models } from '../stores.js';
import type { LinkToken, TokenPurpose } from './token-model.js';
import { isDuplicateKey } from '../db/errors.js';

/** How long an emailed parent link works unless the school says otherwise. */
export const DEFAULT_LINK_DAYS = 14;

/** The stores the token functions use. */
export type TokenStores = Pick<Models, 'parentLinkTokens' | 'parentTokenUses'>;

/** Tokens are 32 random bytes (256 bits) in base64url: exactly 43 characters. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** SHA-256 (hex) of a token: the only form Lantern stores. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** What issueToken needs to know about the link it makes. */
export interface TokenRequest {
  schoolId: string;
  parentId: string;
  pupilId: string;
  purpose: TokenPurpose;
  round: string;
  /** Days until the link stops working; default 14. */
  days?: number;
}

/** Creates a single-use link token and stores its hash; returns the token (to email) and its expiry. */
export async function issueToken(stores: TokenStores, req: TokenRequest, now: Date): Promise<{ token: string; tokenHash: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const tokenHash = hashToken(token);
  const expiresAt = new Date(now.getTime() + (req.days ?? DEFAULT_LINK_DAYS) * 86_400_000);
  await stores.parentLinkTokens.create({
    _id: tokenHash,
    schoolId: req.schoolId,
    parentId: req.parentId,
    pupilId: req.pupilId,
    purpose: req.purpose,
    round: req.round,
    expiresAt,
  });
  return { token, tokenHash, expiresAt };
}

/** Why a link cannot be used; each has its own page. */
export type TokenProblem = 'invalid' | 'expired' | 'used' | 'revoked';

/** The result of looking at a link: its stored record, or why it does not work. */
export type TokenCheck = { ok: true; token: LinkToken & { _id: string } } | { ok: false; problem: TokenProblem };

/** Looks a token up without using it (showing the page does not spend the link; submitting does). */
export async function checkToken(stores: TokenStores, token: string, now: Date): Promise<TokenCheck> {
  if (!TOKEN_SHAPE.test(token)) return { ok: false, problem: 'invalid' };
  const tokenHash = hashToken(token);
  const found = await stores.parentLinkTokens.findById(tokenHash).lean<LinkToken & { _id: string }>();
  if (!found) return { ok: false, problem: 'invalid' };
  if (await stores.parentTokenUses.exists({ _id: tokenHash })) return { ok: false, problem: 'used' };
  if (found.revokedAt) return { ok: false, problem: 'revoked' };
  if (found.expiresAt.getTime() <= now.getTime()) return { ok: false, problem: 'expired' };
  return { ok: true, token: found };
}

/**
 * Spends a link. Exactly one caller wins, decided by the unique insert of the "used" record; a second
 * submission (a double click, a forwarded email) gets false and records nothing.
 */
export async function spendToken(stores: TokenStores, tokenHash: string, schoolId: string, now: Date): Promise<boolean> {
  try {
    await stores.parentTokenUses.create({ _id: tokenHash, schoolId, usedAt: now });
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}
