import { createHash, randomBytes } from 'node:crypto';
import type { Models } from '../stores.js';
import type { Person } from '../directory/person.js';
import { ErrorCode, LanternError } from '../errors.js';
import { isDuplicateKey } from '../db/errors.js';
import type { SchoolCalendar } from './academic-year.js';
import { recordSignature } from './evidence.js';
import type { SignerLink, SignerRole } from './signer-link-model.js';
import type { AgreementVersion } from './version-model.js';
import { currentVersion } from './versions.js';

/** How long an emailed signer link works unless the school says otherwise. */
export const DEFAULT_SIGNER_LINK_DAYS = 14;

/** The stores signer links read and write. */
export type SignerLinkStores = Pick<
  Models,
  'integrity' | 'people' | 'agreementVersions' | 'agreementSignatures' | 'agreementChainHeads' | 'agreementOpenRequests' | 'agreementSignerLinks' | 'agreementSignerLinkUses'
>;

/** Tokens are 32 random bytes (256 bits) in base64url: exactly 43 characters. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Who signs with this address: the directory person when the school knows them (so their signature counts in the
 * registers), otherwise a stable guest id, so the same visitor invited twice to the same version signs once.
 */
export async function signerIdFor(stores: Pick<Models, 'people'>, schoolId: string, email: string): Promise<string> {
  const person = await stores.people.findOne({ schoolId, email, active: true }, { personId: 1 }).lean<Pick<Person, 'personId'>>();
  return person?.personId ?? `guest:${sha256Hex(`${schoolId}:${email}`).slice(0, 20)}`;
}

/** What inviting someone to sign needs. */
export interface SignerInvite {
  schoolId: string;
  policyId: string;
  email: string;
  name?: string | undefined;
  role: SignerRole;
  invitedBy: string;
  days?: number | undefined;
}

/** The version an invitation is for: the policy's current version, or a coded error saying to publish it. */
export async function inviteVersion(stores: Pick<Models, 'agreementVersions'>, schoolId: string, policyId: string): Promise<AgreementVersion> {
  const version = await currentVersion(stores, schoolId, policyId);
  if (!version) throw new LanternError(ErrorCode.AgreementNotFound, `There is no published version of "${policyId}" at ${schoolId}; publish it first (lantern agreements publish).`);
  return version;
}

/** Creates a single-use link for the policy's current version and stores its hash; returns the token to email. */
export async function issueSignerLink(stores: SignerLinkStores, invite: SignerInvite, now: Date): Promise<{ token: string; link: SignerLink }> {
  const version = await inviteVersion(stores, invite.schoolId, invite.policyId);
  const email = invite.email.trim().toLowerCase();
  const token = randomBytes(32).toString('base64url');
  const link: SignerLink = {
    _id: sha256Hex(token),
    schoolId: invite.schoolId,
    versionId: version._id,
    policyId: version.policyId,
    signerId: await signerIdFor(stores, invite.schoolId, email),
    email,
    name: invite.name?.trim() || null,
    role: invite.role,
    expiresAt: new Date(now.getTime() + (invite.days ?? DEFAULT_SIGNER_LINK_DAYS) * 86_400_000),
    invitedBy: invite.invitedBy,
  } as SignerLink;
  await stores.agreementSignerLinks.create(link);
  return { token, link };
}

/** Why a signer link cannot be used; each has its own page. */
export type SignerLinkProblem = 'invalid' | 'expired' | 'used' | 'revoked';

/** An open signer link: the link and the exact version text it asks the holder to sign. */
export interface OpenSignerLink {
  link: SignerLink;
  version: AgreementVersion;
}

/** Looks a link up without spending it (showing the page does not use the link; signing does). */
export async function openSignerLink(stores: SignerLinkStores, token: string, now: Date): Promise<{ ok: true; open: OpenSignerLink } | { ok: false; problem: SignerLinkProblem; schoolId?: string }> {
  if (!TOKEN_SHAPE.test(token)) return { ok: false, problem: 'invalid' };
  const id = sha256Hex(token);
  const link = await stores.agreementSignerLinks.findById(id).lean<SignerLink>();
  if (!link) return { ok: false, problem: 'invalid' };
  const schoolId = link.schoolId;
  if (await stores.agreementSignerLinkUses.exists({ _id: id })) return { ok: false, problem: 'used', schoolId };
  if (link.revokedAt) return { ok: false, problem: 'revoked', schoolId };
  if (link.expiresAt.getTime() <= now.getTime()) return { ok: false, problem: 'expired', schoolId };
  const version = await stores.agreementVersions.findById(link.versionId).lean<AgreementVersion>();
  if (!version) return { ok: false, problem: 'invalid' };
  return { ok: true, open: { link, version } };
}

/** What the signer posts: their typed name, and the browser details kept as evidence. */
export interface LinkSignature {
  token: string;
  typedName: string;
  client: { ip: string; userAgent: string };
}

/**
 * Records the signature a link asks for, with channel 'link', in the school's evidence chain. Exactly one submission
 * wins, decided by the unique insert of the link's "used" record; a second one (a double click, a forwarded email)
 * gets the problem 'used' and records nothing.
 */
export async function signByLink(
  stores: SignerLinkStores,
  input: LinkSignature,
  calendar: SchoolCalendar,
  clock: () => Date,
): Promise<{ ok: true; open: OpenSignerLink; signedAt: Date } | { ok: false; problem: SignerLinkProblem; schoolId?: string }> {
  const now = clock();
  const opened = await openSignerLink(stores, input.token, now);
  if (!opened.ok) return opened;
  const { link } = opened.open;
  try {
    await stores.agreementSignerLinkUses.create({ _id: link._id, schoolId: link.schoolId, usedAt: now });
  } catch (err) {
    if (isDuplicateKey(err)) return { ok: false, problem: 'used', schoolId: link.schoolId };
    throw err;
  }
  // A failure to record gives the link back, so the signer can press the button again.
  const recorded = recordSignature(
    stores,
    {
      schoolId: link.schoolId,
      versionId: link.versionId,
      signerId: link.signerId,
      channel: 'link',
      client: { typedName: input.typedName, role: link.role, ip: input.client.ip, userAgent: input.client.userAgent },
    },
    calendar,
    clock,
  ).catch(async (err: unknown) => {
    await stores.agreementSignerLinkUses.deleteOne({ _id: link._id });
    throw err;
  });
  const { record } = await recorded;
  return { ok: true, open: opened.open, signedAt: new Date(record.signedAt) };
}

/** Withdraws every unused link sent to this address for this policy; returns how many stopped working. */
export async function revokeSignerLinks(stores: SignerLinkStores, schoolId: string, policyId: string, email: string, by: string, now: Date): Promise<number> {
  const links = await stores.agreementSignerLinks.find({ schoolId, policyId, email: email.trim().toLowerCase(), revokedAt: { $exists: false } }, { _id: 1 }).lean<Pick<SignerLink, '_id'>[]>();
  let revoked = 0;
  for (const { _id } of links) {
    if (await stores.agreementSignerLinkUses.exists({ _id })) continue;
    await stores.agreementSignerLinks.updateOne({ _id }, { $set: { revokedAt: now, revokedBy: by } });
    revoked++;
  }
  return revoked;
}
