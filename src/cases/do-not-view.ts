import { createHash } from 'node:crypto';
import { CATEGORIES, SEVERITIES, type Category, type Severity } from './case-model.js';
import type { CaseState, LinkedDetection } from './state.js';

/**
 * UKCIS "sharing nudes" guidance: nobody should be led to view, copy or share a possible indecent image of a
 * child. A "do not view" case keeps no way to reach the item: no link (with or without a scheme), no file
 * name, no item id (Drive file, message, OneDrive item). It says that an item exists and where in general
 * terms ("an image in a Snapchat message"). The redaction runs when the case is written (appendEntry), so the
 * database never holds them; the read side (caseView) runs it again over anything stored before.
 */

/** Shown in place of a link on a "do not view" case. */
export const LINK_REMOVED = '[link removed: do not view]';
/** Shown in place of a file name on a "do not view" case. */
export const FILE_REMOVED = '[file name removed: do not view]';
/** Shown in place of an item id (a Drive file id, a message id) on a "do not view" case. */
export const ID_REMOVED = '[item id removed: do not view]';

const L = String.raw`\p{L}\p{N}_`;
// Alternatives in order; the first two are kept as written (people's addresses and case numbers are not items).
const PATTERN = new RegExp(
  [
    String.raw`(?<keep>(?<![${L}.+-])[${L}.+-]+@[${L}-]+(?:\.[${L}-]+)+|\b[A-Z]{2,6}-\d{4}-\d{4,}\b)`,
    // A message id in angle brackets, <CAF=x1@mail.example>.
    String.raw`(?<msgid><[^<>\s]+@[^<>\s]+>)`,
    // A link with any scheme, or starting www.
    String.raw`(?<url>[\p{L}][\p{L}\p{N}+.-]*:\/\/\S+|(?<![${L}])www\.\S+)`,
    // A link without a scheme: a host name followed by a path (snapchat.com/add/x, bit.ly/abc).
    String.raw`(?<host>(?<![${L}@./-])(?:[${L}-]+\.)+[\p{L}]{2,24}(?::\d+)?\/\S*)`,
    // A GUID, then a long opaque token mixing letters and digits (Drive, Graph and OneDrive ids).
    String.raw`(?<guid>(?<![${L}])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![${L}]))`,
    // A file name: a name and one or more extensions (IMG_2231.jpg, clip.final.mp4.zip).
    String.raw`(?<file>(?<![${L}\-()])[${L}\-()]+(?:\.[\p{L}\p{N}]{1,10})+)`,
    String.raw`(?<token>(?<![${L}\-+=!\/])[${L}\-+=!\/]{12,})`,
  ].join('|'),
  'giu',
);

const hasLetter = /\p{L}/u;
const hasDigit = /\p{N}/u;

function replacement(match: string, groups: Record<string, string | undefined>): string {
  if (groups.keep !== undefined) return match;
  if (groups.msgid !== undefined || groups.guid !== undefined) return ID_REMOVED;
  if (groups.url !== undefined || groups.host !== undefined) return LINK_REMOVED;
  if (groups.file !== undefined) return isFileLike(match) ? FILE_REMOVED : match;
  // Only an opaque mix of letters and digits is an id; long plain words and dates stay.
  return hasLetter.test(match) && hasDigit.test(match) ? ID_REMOVED : match;
}

/** "e.g", "i.e" and "3.5" are not file names: the last extension has a letter, and name or extension is 2+ long. */
function isFileLike(match: string): boolean {
  const dot = match.indexOf('.');
  const ext = match.slice(match.lastIndexOf('.') + 1);
  return hasLetter.test(ext) && (dot >= 2 || ext.length >= 2);
}

/** The text with every link, file name and item id replaced by a marker saying what was removed. */
export function redactText(text: string): string {
  return text.replace(PATTERN, (match: string, ...rest: unknown[]) => replacement(match, rest.at(-1) as Record<string, string | undefined>));
}

/** The text as a "do not view" case may hold it; unchanged otherwise. */
export function withoutLinks(text: string, doNotView: boolean): string {
  return doNotView ? redactText(text) : text;
}

/** A join key that does not name the item: `object:<id>` becomes a hash, so later alerts still join the case. */
export function objectKeyHash(objectId: string): string {
  return `object#${createHash('sha256').update(objectId).digest('hex').slice(0, 32)}`;
}

function redactKey(key: string): string {
  return key.startsWith('object:') ? objectKeyHash(key.slice('object:'.length)) : key;
}

/** A linked detection without the item's id, location or counterparty: which rule fired, when, and about whom. */
export function redactDetection(d: LinkedDetection): LinkedDetection {
  return { detectionId: d.detectionId, ruleId: d.ruleId, family: d.family, at: d.at, ...(d.actor ? { actor: d.actor } : {}) };
}

type Redactor = (value: unknown) => unknown;
const str = (f: (s: string) => string): Redactor => (v) => (typeof v === 'string' ? f(v) : v);
const list = (f: Redactor): Redactor => (v) => (Array.isArray(v) ? v.map(f) : v);

/** How each case field is made safe; fields not named here hold no free text or item reference. */
const FIELD_REDACTORS: Partial<Record<keyof CaseState, Redactor>> = {
  summary: str(redactText),
  where: str(redactText),
  involved: str(redactText),
  outcome: str(redactText),
  childWords: str(redactText),
  actionsTaken: list((a) => (a && typeof a === 'object' ? { ...(a as object), what: redactText(String((a as { what?: unknown }).what ?? '')), informed: redactText(String((a as { informed?: unknown }).informed ?? '')) } : a)),
  detections: list((d) => (d && typeof d === 'object' ? redactDetection(d as LinkedDetection) : d)),
  objectKeys: (v) => (Array.isArray(v) ? [...new Set(v.map(str(redactKey)))] : v),
  referrals: list((r) => (r && typeof r === 'object' ? { ...(r as object), reference: redactText(String((r as { reference?: unknown }).reference ?? '')) } : r)),
  // The decision's free text (why not reported, the ICO reference) may name the item too.
  breachDecision: (d) => {
    if (!d || typeof d !== 'object') return d;
    const out = { ...(d as Record<string, unknown>) };
    for (const key of ['reason', 'icoReference']) if (typeof out[key] === 'string') out[key] = redactText(out[key]);
    return out;
  },
  falsePositive: (fp) => {
    if (!fp || typeof fp !== 'object') return fp;
    const { reason, suppression, ...rest } = fp as { reason?: unknown; suppression?: Record<string, unknown> };
    const safeSuppression = suppression ? Object.fromEntries(Object.entries(suppression).filter(([k]) => k !== 'objectId')) : undefined;
    return { ...rest, reason: typeof reason === 'string' ? redactText(reason) : reason, ...(safeSuppression ? { suppression: safeSuppression } : {}) };
  },
};

/** A set of case fields (a timeline entry's before or after) as a "do not view" case may store them. */
export function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    const redact = FIELD_REDACTORS[key as keyof CaseState];
    out[key] = redact ? redact(value) : value;
  }
  return out;
}

/** What a timeline entry says, as a "do not view" case may store it. */
export function redactEntry<T extends { before: Record<string, unknown>; after: Record<string, unknown>; note: string | null }>(entry: T): T {
  return { ...entry, before: redactFields(entry.before), after: redactFields(entry.after), note: entry.note === null ? null : redactText(entry.note) };
}

/** A "do not view" case is a child-protection matter: it opens (or is raised to) high at least, so it escalates. */
export function doNotViewSeverity(severity: Severity, doNotView: boolean): Severity {
  return doNotView && SEVERITIES.indexOf(severity) < SEVERITIES.indexOf('high') ? 'high' : severity;
}

/**
 * The category choice for nude or semi-nude images (UKCIS "sharing nudes"), on the concern form and in triage.
 * KCSIE puts sharing nudes under conduct; the case becomes "do not view".
 */
export const NUDE_IMAGES = 'nude-images';
/** How the nude-images choice reads on a form. */
export const NUDE_IMAGES_LABEL = 'Nude or semi-nude images (do not open, copy or forward them)';

/** A category choice as a category and whether the case is "do not view"; undefined when it is no category. */
export function readCategoryChoice(value: string): { category: Category; doNotView: boolean } | undefined {
  if (value === NUDE_IMAGES) return { category: 'conduct', doNotView: true };
  return CATEGORIES.includes(value as Category) ? { category: value as Category, doNotView: false } : undefined;
}
