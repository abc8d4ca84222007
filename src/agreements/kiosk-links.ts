import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { Models } from '../stores.js';
import type { SchoolCalendar } from './academic-year.js';
import { recordSignature } from './evidence.js';
import type { KioskLink } from './kiosk-link-model.js';
import { inviteVersion } from './signer-links.js';
import type { AgreementVersion } from './version-model.js';
import { currentVersion } from './versions.js';

/** How long a printed kiosk sheet works unless the school says otherwise: a school year and a bit. */
export const DEFAULT_KIOSK_LINK_DAYS = 400;

/** The stores kiosk links read and write. */
export type KioskLinkStores = Pick<Models, 'integrity' | 'agreementVersions' | 'agreementSignatures' | 'agreementChainHeads' | 'agreementOpenRequests' | 'agreementKioskLinks'>;

/**
 * Letters and digits that cannot be mistaken for one another when typed from paper (no 0/o, 1/i/l). A token is 12 of
 * them (about 59 bits), shown in groups of four: short enough to type, too many to guess behind the page's rate limit.
 */
const KIOSK_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const KIOSK_TOKEN_LENGTH = 12;

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The token as typed or scanned, in its stored form (lower case, no dashes or spaces), or null when it cannot be one. */
export function normaliseKioskToken(raw: string): string | null {
  const token = raw.toLowerCase().replace(/[\s-]/g, '');
  if (token.length !== KIOSK_TOKEN_LENGTH || [...token].some((c) => !KIOSK_ALPHABET.includes(c))) return null;
  return token;
}

/** The token as printed: three groups of four. */
export function formatKioskToken(token: string): string {
  return token.match(/.{1,4}/g)?.join('-') ?? token;
}

function newKioskToken(): string {
  return Array.from({ length: KIOSK_TOKEN_LENGTH }, () => KIOSK_ALPHABET[randomInt(KIOSK_ALPHABET.length)]).join('');
}

/** What making a kiosk link needs. */
export interface KioskLinkRequest {
  schoolId: string;
  policyId: string;
  createdBy: string;
  days?: number | undefined;
  /** A fixed token (the demo school's, so its address can be printed in the docs); a random one otherwise. */
  token?: string | undefined;
}

/**
 * Makes a kiosk link for the policy (its current version must be published) and stores its hash; returns the token
 * to print. A fixed token that already exists returns that link unchanged.
 */
export async function createKioskLink(stores: KioskLinkStores, req: KioskLinkRequest, now: Date): Promise<{ token: string; link: KioskLink; version: AgreementVersion }> {
  const version = await inviteVersion(stores, req.schoolId, req.policyId);
  const token = req.token ? (normaliseKioskToken(req.token) ?? newKioskToken()) : newKioskToken();
  const id = sha256Hex(token);
  const existing = await stores.agreementKioskLinks.findById(id).lean<KioskLink>();
  if (existing) return { token, link: existing, version };
  const link = {
    _id: id,
    schoolId: req.schoolId,
    policyId: version.policyId,
    ref: id.slice(0, 12),
    expiresAt: new Date(now.getTime() + (req.days ?? DEFAULT_KIOSK_LINK_DAYS) * 86_400_000),
    createdBy: req.createdBy,
  } as KioskLink;
  await stores.agreementKioskLinks.create(link);
  return { token, link, version };
}

/** Withdraws every working kiosk link of the policy (a lost or replaced sheet); returns how many stopped working. */
export async function revokeKioskLinks(stores: Pick<Models, 'agreementKioskLinks'>, schoolId: string, policyId: string, by: string, now: Date): Promise<number> {
  const res = await stores.agreementKioskLinks.updateMany({ schoolId, policyId, revokedAt: { $exists: false }, expiresAt: { $gt: now } }, { $set: { revokedAt: now, revokedBy: by } });
  return res.modifiedCount;
}

/** The kiosk links of a school that still work, for the office to see what is printed. */
export async function workingKioskLinks(stores: Pick<Models, 'agreementKioskLinks'>, schoolId: string, now: Date): Promise<KioskLink[]> {
  return stores.agreementKioskLinks.find({ schoolId, revokedAt: { $exists: false }, expiresAt: { $gt: now } }).sort({ policyId: 1, createdAt: 1 }).lean<KioskLink[]>();
}

/** Why a kiosk link cannot be used; each has its own page. */
export type KioskLinkProblem = 'invalid' | 'expired' | 'revoked';

/** An open kiosk link: the link and the policy's current version, the exact text a visitor reads now. */
export interface OpenKioskLink {
  link: KioskLink;
  version: AgreementVersion;
}

/** Looks a kiosk link up and finds the policy's current version. */
export async function openKioskLink(stores: KioskLinkStores, rawToken: string, now: Date): Promise<{ ok: true; open: OpenKioskLink } | { ok: false; problem: KioskLinkProblem; schoolId?: string }> {
  const token = normaliseKioskToken(rawToken);
  if (!token) return { ok: false, problem: 'invalid' };
  const link = await stores.agreementKioskLinks.findById(sha256Hex(token)).lean<KioskLink>();
  if (!link) return { ok: false, problem: 'invalid' };
  if (link.revokedAt) return { ok: false, problem: 'revoked', schoolId: link.schoolId };
  if (link.expiresAt.getTime() <= now.getTime()) return { ok: false, problem: 'expired', schoolId: link.schoolId };
  const version = await currentVersion(stores, link.schoolId, link.policyId);
  if (!version) return { ok: false, problem: 'invalid', schoolId: link.schoolId };
  return { ok: true, open: { link, version } };
}

/** A fresh form id: the page puts it in the form so a double press of "I agree" records one signature. */
export function newKioskFormId(): string {
  return randomBytes(16).toString('base64url');
}

const FORM_ID_SHAPE = /^[A-Za-z0-9_-]{22}$/;

/** What a visitor posts at the kiosk. */
export interface KioskSignature {
  token: string;
  /** The version the page showed, from the form: a signature is only recorded for the version the visitor read. */
  shownVersionId: string;
  formId: string;
  name: string;
  organisation: string;
  client: { ip: string; userAgent: string };
}

/** Why a kiosk submission was not recorded: a link problem, or the policy changed while the visitor was reading. */
export type KioskSignOutcome =
  | { ok: true; open: OpenKioskLink; signedAt: Date; created: boolean }
  | { ok: false; problem: KioskLinkProblem; schoolId?: string }
  | { ok: false; problem: 'changed'; open: OpenKioskLink };

/**
 * Records a visitor's signature of the version the page showed, channel 'kiosk', in the school's evidence chain.
 * A visitor is no one in the directory: the signer id is made from the link and the form id, so the same form posted
 * twice records once, and no name is looked up or matched.
 */
export async function signAtKiosk(stores: KioskLinkStores, input: KioskSignature, calendar: SchoolCalendar, clock: () => Date): Promise<KioskSignOutcome> {
  const opened = await openKioskLink(stores, input.token, clock());
  if (!opened.ok) return opened;
  const { link, version } = opened.open;
  if (input.shownVersionId !== version._id) return { ok: false, problem: 'changed', open: opened.open };
  const formId = FORM_ID_SHAPE.test(input.formId) ? input.formId : newKioskFormId();
  const { record, created } = await recordSignature(
    stores,
    {
      schoolId: link.schoolId,
      versionId: version._id,
      signerId: `visitor:${sha256Hex(`${link._id}:${formId}`).slice(0, 20)}`,
      channel: 'kiosk',
      client: { typedName: input.name, organisation: input.organisation, role: 'visitor', kiosk: link.ref, ip: input.client.ip, userAgent: input.client.userAgent },
    },
    calendar,
    clock,
  );
  return { ok: true, open: opened.open, signedAt: new Date(record.signedAt), created };
}
