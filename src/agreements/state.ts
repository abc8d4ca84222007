import type { Models } from '../stores.js';
import type { SchoolCalendar } from './academic-year.js';
import { completes, latestBySubject } from './evidence.js';
import type { AgreementSignature } from './signature-model.js';
import { countingSignatures } from './signing.js';
import type { AgreementVersion } from './version-model.js';
import { currentVersion } from './versions.js';

/**
 * The signature that counts for `personId` on `version` (theirs, or one made on their behalf), from any
 * version in the same sign group (a minor change keeps earlier signatures valid) and, for yearly
 * agreements, from the academic year of `now` in the school's `calendar`. The person's latest record decides:
 * null when unsigned, or when the latest record withdrew an agreement or marked them absent.
 */
export async function signatureFor(
  models: Pick<Models, 'agreementVersions' | 'agreementSignatures'>,
  version: AgreementVersion,
  personId: string,
  now: Date,
  calendar: SchoolCalendar,
): Promise<AgreementSignature | null> {
  const latest = await latestSignatureFor(models, version, personId, now, calendar);
  return latest && completes(version, latest) ? latest : null;
}

/** The latest record about `personId` on `version` (in its sign group and, for yearly ones, this academic year), whatever it says. */
export async function latestSignatureFor(
  models: Pick<Models, 'agreementVersions' | 'agreementSignatures'>,
  version: AgreementVersion,
  personId: string,
  now: Date,
  calendar: SchoolCalendar,
): Promise<AgreementSignature | null> {
  const records = await countingSignatures(models, version, now, calendar, { personId });
  return latestBySubject(records).get(personId) ?? null;
}

/** Where a card's version stands: current, or replaced by a newer version (material or minor). */
export async function versionStanding(models: Pick<Models, 'agreementVersions'>, version: AgreementVersion): Promise<{ current: AgreementVersion; outdated: boolean }> {
  const current = (await currentVersion(models, version.schoolId, version.policyId)) ?? version;
  return { current, outdated: current._id !== version._id };
}

// A pure memo: building an Intl.DateTimeFormat costs far more than formatting with one (a campaign formats a date per card).
const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timezone: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${withTime ? 'time' : 'date'}|${timezone}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(
      'en-GB',
      withTime ? { timeZone: timezone, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' } : { timeZone: timezone, day: 'numeric', month: 'long', year: 'numeric' },
    );
    formats.set(key, format);
  }
  return format;
}

/** Formats an instant for people at the school: "22 Nov 2026, 20:41". */
export function localTime(at: Date, timezone: string): string {
  return formatFor(timezone, true).format(at);
}

/** Formats a date for people at the school: "25 November 2026". */
export function localDate(at: Date, timezone: string): string {
  return formatFor(timezone, false).format(at);
}

/** UTC as "2026-11-22 20:41". */
export function utcTime(at: Date): string {
  return at.toISOString().slice(0, 16).replace('T', ' ');
}
