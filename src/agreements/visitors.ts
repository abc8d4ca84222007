import type { Models } from '../stores.js';
import { academicYearIn, type SchoolCalendar } from './academic-year.js';
import type { AgreementSignature } from './signature-model.js';
import type { AgreementVersion } from './version-model.js';

/**
 * Signatures of people without a school account: a visitor at the reception kiosk, or someone the directory does not
 * hold who signed by an emailed link (a `guest:` signer). They are counted and listed apart: they are in no audience.
 */
export function visitorSignatures(): { $or: ({ channel: 'kiosk' } | { channel: 'link'; signerId: { $regex: string } })[] } {
  return { $or: [{ channel: 'kiosk' }, { channel: 'link', signerId: { $regex: '^guest:' } }] };
}

/** How many visitors signed the current version of one policy (its sign group; this academic year for a yearly one). */
export interface VisitorCount {
  policyId: string;
  title: string;
  versionNumber: number;
  kiosk: number;
  link: number;
}

/** Visitor signatures that count for each policy's current version, by how they were given; policies with none are left out. */
export async function visitorCounts(models: Pick<Models, 'agreementVersions' | 'agreementSignatures'>, schoolId: string, now: Date, calendar: SchoolCalendar): Promise<VisitorCount[]> {
  const [versions, signatures] = await Promise.all([
    models.agreementVersions.find({ schoolId }).lean<AgreementVersion[]>(),
    models.agreementSignatures.find({ schoolId, ...visitorSignatures() }, { versionId: 1, policyId: 1, channel: 1, period: 1 }).lean<Pick<AgreementSignature, 'versionId' | 'policyId' | 'channel' | 'period'>[]>(),
  ]);
  const current = new Map<string, AgreementVersion>();
  for (const v of versions) if ((current.get(v.policyId)?.number ?? 0) < v.number) current.set(v.policyId, v);
  const groupOf = new Map(versions.map((v) => [v._id, v.signGroup]));
  const counts = new Map<string, VisitorCount>();
  for (const s of signatures) {
    const version = current.get(s.policyId);
    if (!version || groupOf.get(s.versionId) !== version.signGroup) continue;
    if (version.yearly && s.period !== academicYearIn(now, calendar)) continue;
    const row = counts.get(s.policyId) ?? { policyId: s.policyId, title: version.title, versionNumber: version.number, kiosk: 0, link: 0 };
    if (s.channel === 'kiosk') row.kiosk++;
    else row.link++;
    counts.set(s.policyId, row);
  }
  return [...counts.values()].sort((a, b) => a.policyId.localeCompare(b.policyId));
}

/** One visitor's signature on the register: named, with the organisation they gave, because the school's record needs it. */
export interface VisitorRegisterRow {
  policyId: string;
  title: string;
  version: number;
  name: string;
  organisation: string;
  signedAt: Date;
  /** 'kiosk' or 'link'. */
  channel: string;
}

/** Every visitor signature given in [from, to), oldest first, with the version signed. */
export async function visitorRegister(models: Pick<Models, 'agreementVersions' | 'agreementSignatures'>, schoolId: string, from: Date, to: Date): Promise<VisitorRegisterRow[]> {
  const signatures = await models.agreementSignatures
    .find({ schoolId, ...visitorSignatures(), signedAt: { $gte: from, $lt: to } }, { versionId: 1, policyId: 1, channel: 1, client: 1, signedAt: 1, seq: 1 })
    .sort({ seq: 1 })
    .lean<Pick<AgreementSignature, 'versionId' | 'policyId' | 'channel' | 'client' | 'signedAt'>[]>();
  const versions = new Map((await models.agreementVersions.find({ schoolId, _id: { $in: [...new Set(signatures.map((s) => s.versionId))] } }).lean<AgreementVersion[]>()).map((v) => [v._id, v]));
  return signatures.map((s) => {
    const client = (s.client ?? {}) as Record<string, unknown>;
    const text = (v: unknown): string => (typeof v === 'string' ? v : '');
    const version = versions.get(s.versionId);
    return { policyId: s.policyId, title: version?.title ?? s.policyId, version: version?.number ?? 0, name: text(client.typedName), organisation: text(client.organisation), signedAt: new Date(s.signedAt), channel: s.channel };
  });
}

const HOW = { kiosk: 'by reception kiosk', link: 'by emailed link' } as const;

/** A policy's visitor figure in words, as `agreements status` and the Teams status card say it: "Visitor AUA (version 2): 3 by reception kiosk, 1 by emailed link". */
export function visitorLine(v: VisitorCount): string {
  const parts = (['kiosk', 'link'] as const).filter((how) => v[how] > 0).map((how) => `${v[how]} ${HOW[how]}`);
  return `${v.title} (version ${v.versionNumber}): ${parts.join(', ')}`;
}

/** The heading over the visitor figures: visitors are in no audience, so they are counted apart, with no total. */
export const VISITORS_HEADING = 'Visitors and others without a school account (signed the current version)';
