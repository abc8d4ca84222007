import { createHash } from 'node:crypto';
import type { DomainClass } from '../domains.js';
import type { GoogleActivity, GoogleEvent } from '../records/types.js';
import type { TenantContext } from '../tenant.js';
import type { Category, Severity } from '../types.js';

/** Shared wording and judgements used by several rules. */

/** The actor as shown in a summary. */
export function who(actor: string): string {
  return actor || 'an unidentified account';
}

/** How a summary describes an outside recipient. */
export function describeOutside(cls: DomainClass): string {
  return cls === 'personal' ? 'a personal (webmail) address' : 'an address outside the school';
}

/**
 * Category of a share or forward leaving the school: a pupil sending to a personal address is a `contact`
 * risk (an individual outside school reaching a child); any other pupil share is `conduct`; staff shares are
 * a data-protection (`security`) matter.
 */
export function outboundCategory(ctx: TenantContext, actor: string, recipient: DomainClass): Category {
  if (!ctx.isPupil(actor)) return 'security';
  return recipient === 'personal' ? 'contact' : 'conduct';
}

/** The Google events of an activity whose name is in `names`. */
export function eventsNamed(record: GoogleActivity, names: ReadonlySet<string>): GoogleEvent[] {
  return record.events.filter((e) => names.has(e.name));
}

/** The site and list of a SharePoint / OneDrive audit record, when it names both (for remediation). */
export function itemLocation(raw: Readonly<Record<string, unknown>>): { location: { siteUrl: string; listId: string } } | Record<string, never> {
  const siteUrl = typeof raw.SiteUrl === 'string' ? raw.SiteUrl.trim() : '';
  const listId = typeof raw.ListId === 'string' ? raw.ListId.trim() : '';
  return /^https:\/\/[^/]+/.test(siteUrl) && listId ? { location: { siteUrl, listId } } : {};
}

/** Stable opaque id for an object known only by a URL (SharePoint URLs contain the file name, which is not kept). */
export function urlObjectId(url: string): string {
  return `url-sha256:${createHash('sha256').update(url).digest('hex').slice(0, 20)}`;
}

/** The outside-ness ranking used to pick the most concerning recipient: personal > external > trusted > own. */
export function outsideRank(cls: DomainClass): number {
  return cls === 'personal' ? 3 : cls === 'external' ? 2 : cls === 'trusted' ? 1 : 0;
}

/**
 * Words in a vendor alert's type, title, category, description or rule name that mean the item may be an
 * indecent image of a child or sexual imagery (classifiers, hash matches, DLP rules a school names so).
 */
const INDECENT = /\b(csam|csea|child sexual|sexual abuse material|indecent image|nudity|nude|semi-nude|sexual(ly)? explicit|sexual image|adult image|racy)\b/i;

/** True when the text of a vendor alert speaks of possible indecent or sexual imagery. */
export function mentionsIndecentImage(text: string): boolean {
  return INDECENT.test(text);
}

/**
 * What every vendor alert about a possible indecent image shares, whoever raised it: critical, content, "do not
 * view" (B5, UKCIS), folded over a day, and the same runbook.
 */
export const INDECENT_IMAGE_ALERT = {
  family: 'content.indecent_image',
  category: 'content',
  categoryLogic: 'always content',
  severity: 'critical',
  severityLogic: 'always critical: a possible indecent image of a child is a child-protection matter',
  foldWindowMinutes: 24 * 60,
  mayInvolveIndecentImage: true,
  runbook: 'Do not open, copy, forward or delete the item. Follow the UKCIS sharing-nudes guidance: the DSL decides on referral (police / CEOP); ask IT to preserve, not view, the evidence.',
} as const;

/** A vendor severity word mapped to ours; informational, unknown or inherited keys ("constructor") give undefined. */
export function vendorSeverity(word: string): Exclude<Severity, 'critical'> | undefined {
  const w = word.toLowerCase();
  return w === 'low' || w === 'medium' || w === 'high' ? w : undefined;
}
