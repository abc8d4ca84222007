import { parse } from 'csv-parse/sync';
import type { Models } from '../stores.js';
import type { Person } from '../directory/person.js';
import { ErrorCode, LanternError } from '../errors.js';
import type { LinkSource } from './link-model.js';
import { revokeStaleTokens } from './link-status.js';

/** The stores link functions use (tokens too: a removed link's unused emails stop working). */
export type LinkStores = Pick<Models, 'parentLinks' | 'people' | 'parentLinkTokens' | 'parentTokenUses'>;

/** One parent–pupil link as read from a source. */
export interface LinkInput {
  parentId: string;
  parentName: string;
  email: string;
  pupilId: string;
}

/** Counts of a link sync. */
export interface LinkSyncResult {
  upserted: number;
  deactivated: number;
  /** Unused emailed links revoked because their parent–child link went inactive. */
  revoked: number;
  unknownPupils: string[];
}

/** The columns a MIS export must have (a header row, any order, extra columns ignored). */
export const LINK_CSV_COLUMNS = ['parentId', 'parentName', 'email', 'pupilId'] as const;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Parses a MIS export of parent–pupil links; throws one error naming every bad row. */
export function parseLinksCsv(text: string, label: string): LinkInput[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
  } catch (err) {
    throw new LanternError(ErrorCode.ParentLinksInvalid, `${label} is not a readable CSV file: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const missing = LINK_CSV_COLUMNS.filter((c) => rows.length > 0 && !(c in (rows[0] ?? {})));
  if (missing.length) {
    throw new LanternError(ErrorCode.ParentLinksInvalid, `${label} lacks the column(s) ${missing.join(', ')}; the header must name ${LINK_CSV_COLUMNS.join(',')}.`);
  }
  const problems: string[] = [];
  const links: LinkInput[] = [];
  rows.forEach((row, i) => {
    const line = i + 2;
    const link = { parentId: row.parentId ?? '', parentName: row.parentName ?? '', email: (row.email ?? '').toLowerCase(), pupilId: row.pupilId ?? '' };
    if (!link.parentId || !link.pupilId || !link.parentName) problems.push(`line ${line}: parentId, parentName and pupilId are all required`);
    else if (!EMAIL.test(link.email)) problems.push(`line ${line}: "${link.email}" is not an email address`);
    else links.push(link);
  });
  if (problems.length) {
    throw new LanternError(ErrorCode.ParentLinksInvalid, `${label} has ${problems.length} bad row(s); nothing was imported:\n  ${problems.join('\n  ')}`, { details: problems });
  }
  return links;
}

/** The links the directory already knows: every active parent with childrenIds and an email. */
export async function linksFromDirectory(people: Models['people'], schoolId: string): Promise<LinkInput[]> {
  const parents = await people.find({ schoolId, role: 'parent', active: true }).lean<Person[]>();
  return parents.flatMap((p) => (p.email ? (p.childrenIds ?? []).map((pupilId) => ({ parentId: p.personId, parentName: p.displayName, email: p.email as string, pupilId })) : []));
}

/**
 * Makes the stored links from `source` match `links`: new and changed links are written, links of that source
 * that are no longer listed are marked inactive (never deleted: consent records refer to them) and their unused
 * emailed links revoked. Links to pupils the directory does not know are skipped and reported.
 */
export async function syncLinks(stores: LinkStores, schoolId: string, source: LinkSource, links: readonly LinkInput[], now: Date): Promise<LinkSyncResult> {
  const pupils = new Set((await stores.people.find({ schoolId, role: 'pupil', active: true }, { personId: 1 }).lean<Pick<Person, 'personId'>[]>()).map((p) => p.personId));
  const seen = new Set<string>();
  const unknownPupils: string[] = [];
  let upserted = 0;
  for (const link of links) {
    if (!pupils.has(link.pupilId)) {
      unknownPupils.push(link.pupilId);
      continue;
    }
    seen.add(`${link.parentId}|${link.pupilId}`);
    // One updateOne per link: FerretDB stalls on bulkWrite upserts that match existing documents.
    await stores.parentLinks.updateOne(
      { schoolId, parentId: link.parentId, pupilId: link.pupilId },
      { $set: { email: link.email, parentName: link.parentName, source, active: true } },
      { upsert: true },
    );
    upserted++;
  }
  let deactivated = 0;
  const stored = await stores.parentLinks.find({ schoolId, source, active: true }).lean();
  for (const s of stored) {
    if (seen.has(`${s.parentId}|${s.pupilId}`)) continue;
    await stores.parentLinks.updateOne({ _id: s._id }, { $set: { active: false } });
    deactivated++;
  }
  const revoked = deactivated > 0 ? await revokeStaleTokens(stores, schoolId, now) : 0;
  return { upserted, deactivated, revoked, unknownPupils };
}
