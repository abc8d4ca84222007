import { looksLikePupilData } from '../pupil-data.js';
import type { ExposedShare, ListedFile, MimeCategory, Priority, SharingKind } from './types.js';

/** What the inventory knows about the school while judging files: its domains and who the pupils are. */
export interface SchoolView {
  /** Own and trusted domains, lower case; their true subdomains count as inside. */
  insideDomains: readonly string[];
  /** Pupils' addresses, lower case. */
  pupils: ReadonlySet<string>;
}

/** True when an address's or domain's host is one of the school's own or trusted domains (or a subdomain of one). */
export function isInside(view: SchoolView, domainOrEmail: string | null | undefined): boolean {
  const host = String(domainOrEmail ?? '').toLowerCase().split('@').pop() ?? '';
  return host !== '' && view.insideDomains.some((d) => host === d || host.endsWith(`.${d}`));
}

/** The host part of an address, lower case. */
export function domainOf(email: string): string {
  return email.toLowerCase().split('@').pop() ?? '';
}

const MIME_CATEGORIES: readonly [RegExp, MimeCategory][] = [
  [/folder$/, 'folder'],
  [/google-apps\.form$/, 'form'],
  [/(google-apps\.document|wordprocessingml|msword|opendocument\.text|^text\/)/, 'document'],
  [/(google-apps\.spreadsheet|spreadsheetml|ms-excel|opendocument\.spreadsheet|text\/csv)/, 'spreadsheet'],
  [/(google-apps\.presentation|presentationml|ms-powerpoint|opendocument\.presentation)/, 'presentation'],
  [/pdf$/, 'pdf'],
  [/^image\//, 'image'],
  [/^video\//, 'video'],
  [/^audio\//, 'audio'],
];

/** The category of a mime type (checked before `^text/`: text/csv is a spreadsheet). */
export function mimeCategoryOf(mimeType: string | undefined, folder = false): MimeCategory {
  if (folder) return 'folder';
  const m = String(mimeType ?? '').toLowerCase();
  if (m === 'text/csv') return 'spreadsheet';
  return MIME_CATEGORIES.find(([re]) => re.test(m))?.[1] ?? 'other';
}

/** Points per fact about a file; a file's priority is the sum. Data, so a school's view of risk is one edit. */
export const PRIORITY_POINTS = {
  kind: { 'anyone-with-link': 3, 'external-domain': 2, 'external-user': 2 } satisfies Record<SharingKind, number>,
  canEdit: 1,
  pupilDataLikely: 3,
  ownerIsPupil: 2,
  sharedWithPupils: 1,
} as const;
/** The least score of each priority bucket. */
export const PRIORITY_THRESHOLDS: readonly [Priority, number][] = [
  ['high', 6],
  ['medium', 4],
  ['low', 0],
];

/** The stored judgement of one exposed file: metadata only, never its title. */
export interface ExposedItem {
  fileId: string;
  driveId?: string;
  owner: string;
  ownerIsPupil: boolean;
  sharedWithPupils: boolean;
  pupilDataLikely: boolean;
  mimeCategory: MimeCategory;
  modifiedAt?: Date;
  shares: ExposedShare[];
  kinds: SharingKind[];
  score: number;
  priority: Priority;
}

const EDIT_ROLES = new Set(['writer', 'owner', 'organizer', 'fileOrganizer', 'write', 'editor']);

/** Judges a listed file: undefined when nothing reaches outside the school; otherwise its exposure and priority. */
export function judge(view: SchoolView, file: ListedFile): ExposedItem | undefined {
  if (file.shares.length === 0) return undefined;
  const kinds = [...new Set(file.shares.map((s) => s.kind))];
  const ownerIsPupil = view.pupils.has(file.owner);
  const sharedWithPupils = file.sharedWith.some((e) => view.pupils.has(e.toLowerCase()));
  const pupilDataLikely = looksLikePupilData(file.title);
  const P = PRIORITY_POINTS;
  const score =
    Math.max(...kinds.map((k) => P.kind[k])) +
    (file.shares.some((s) => EDIT_ROLES.has(s.role)) ? P.canEdit : 0) +
    (pupilDataLikely ? P.pupilDataLikely : 0) +
    (ownerIsPupil ? P.ownerIsPupil : 0) +
    (sharedWithPupils ? P.sharedWithPupils : 0);
  const priority = (PRIORITY_THRESHOLDS.find(([, min]) => score >= min) as [Priority, number])[0];
  return {
    fileId: file.fileId,
    ...(file.driveId ? { driveId: file.driveId } : {}),
    owner: file.owner,
    ownerIsPupil,
    sharedWithPupils,
    pupilDataLikely,
    mimeCategory: mimeCategoryOf(file.mimeType, file.folder),
    ...(file.modifiedAt ? { modifiedAt: file.modifiedAt } : {}),
    shares: file.shares,
    kinds,
    score,
    priority,
  };
}
