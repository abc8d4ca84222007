import type { Model } from 'mongoose';
import type { Person, VulnerabilityFlags } from '../directory/person.js';
import { SEVERITIES, type Severity } from './case-model.js';

type People = Model<Person>;

/** The dates of birth the directory holds for a case's pupil subjects (for retention: youngest + 25 years). */
export async function subjectDatesOfBirth(people: People, schoolId: string, subjectIds: readonly string[]): Promise<Date[]> {
  if (subjectIds.length === 0) return [];
  const found = await people.find({ schoolId, personId: { $in: [...subjectIds] }, role: 'pupil' }, { dateOfBirth: 1 }).lean<Array<Pick<Person, 'dateOfBirth'>>>();
  return found.map((p) => p.dateOfBirth).filter((d): d is Date => d instanceof Date);
}

/**
 * A case's pupil subjects with a vulnerable-group flag, read from the directory each time it is needed and
 * never copied onto the case, so only the DSL views that call this (case card, dashboard case page) show them.
 */
export async function vulnerableSubjects(people: People, schoolId: string, subjectIds: readonly string[]): Promise<Array<{ personId: string; displayName: string; flags: VulnerabilityFlags }>> {
  if (subjectIds.length === 0) return [];
  const found = await people
    .find({ schoolId, personId: { $in: [...subjectIds] }, role: 'pupil', vulnerability: { $exists: true } }, { personId: 1, displayName: 1, vulnerability: 1 })
    .lean<Array<Pick<Person, 'personId' | 'displayName' | 'vulnerability'>>>();
  return found.flatMap((p) => (p.vulnerability ? [{ personId: p.personId, displayName: p.displayName, flags: p.vulnerability }] : []));
}

/** A detection about a pupil with a vulnerable-group flag matters more: one step up (critical stays critical). */
export function severityForVulnerable(severity: Severity): Severity {
  return SEVERITIES[Math.min(SEVERITIES.indexOf(severity) + 1, SEVERITIES.length - 1)] ?? severity;
}

/** The words the DSL sees for each flag. */
export const FLAG_LABELS: Readonly<Record<keyof VulnerabilityFlags, string>> = {
  sen: 'SEN',
  lookedAfter: 'Looked after',
  previouslyLookedAfter: 'Previously looked after',
  childProtectionPlan: 'Child protection plan',
};

/** ` — SEN, Looked after` for a flagged pupil, '' otherwise: for the DSL's case card and dashboard case page only. */
export function flagWords(person: Pick<Person, 'vulnerability'>): string {
  const v = person.vulnerability;
  if (!v) return '';
  const words = (Object.keys(FLAG_LABELS) as Array<keyof VulnerabilityFlags>).filter((flag) => v[flag]).map((flag) => FLAG_LABELS[flag]);
  return words.length > 0 ? ` — ${words.join(', ')}` : '';
}
