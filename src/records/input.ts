import { ErrorCode, LanternError } from '../errors.js';

/** A record that cannot be kept as given; the message names the field and the fix. */
export function invalid(message: string): LanternError {
  return new LanternError(ErrorCode.RecordInvalid, message);
}

/** A calendar day given as YYYY-MM-DD, as midnight UTC; `notAfter` refuses days still to come. */
export function parseDay(value: string | undefined, what: string, notAfter?: Date): Date {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw invalid(`${what} must be a date as YYYY-MM-DD, e.g. 2026-09-03.`);
  const day = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== value) throw invalid(`${what} "${value}" is not a real date.`);
  if (notAfter && day.getTime() > notAfter.getTime()) throw invalid(`${what} ${value} is in the future: record it once it has happened.`);
  return day;
}

/** Trimmed text that must be there and fit; `what` names the field in the message. */
export function requireText(value: string | undefined, what: string, max = 200): string {
  const text = value?.trim() ?? '';
  if (!text) throw invalid(`${what} is required.`);
  if (text.length > max) throw invalid(`${what} is too long (${text.length} characters; at most ${max}).`);
  return text;
}

/** Optional trimmed text; undefined when blank. */
export function optionalText(value: string | undefined, what: string, max = 500): string | undefined {
  return value?.trim() ? requireText(value, what, max) : undefined;
}

/** An https (or http) link to evidence; anything else is refused so a card or list never carries a script link. */
export function evidenceLink(value: string | undefined): string | undefined {
  if (!value?.trim()) return undefined;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw invalid(`The evidence link "${value}" is not a web address: give the https link to the certificate or record.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('The evidence link must start with https:// (a link to where the certificate is kept).');
  return url.toString();
}

/** YYYY-MM-DD of a stored day. */
export function dayLabel(day: Date | null | undefined): string {
  return day instanceof Date ? day.toISOString().slice(0, 10) : '—';
}
