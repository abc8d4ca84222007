import { YEAR_GROUPS, type PersonInput, type VulnerabilityFlags, type YearGroup } from '../person.js';
import type { WondeContactDetails, WondeDate, WondeEmployee, WondeStudent, WondeStudentContact, Included } from './records.js';

function text(value: string | null | undefined): string | undefined {
  const t = value?.trim();
  return t ? t : undefined;
}

function nameOf(r: { forename?: string | null; surname?: string | null }): string | undefined {
  return text([text(r.forename), text(r.surname)].filter(Boolean).join(' '));
}

function emailOf(details: Included<WondeContactDetails> | undefined): string | undefined {
  const emails = details?.data?.emails;
  return text(emails?.email ?? emails?.primary)?.toLowerCase();
}

/** A Wonde year ("3", "Year 3", "R", "Reception", "N1", "Nursery") as a Lantern year group; undefined when it is none of them. */
export function yearGroupOf(year: { code?: string | null; name?: string | null } | null | undefined): YearGroup | undefined {
  for (const raw of [year?.code, year?.name]) {
    const v = text(raw)?.toUpperCase().replace(/^YEAR\s*/, '');
    if (!v) continue;
    if (v === 'R' || v === 'RECEPTION' || v === 'REC') return 'R';
    if (/^N\d?$/.test(v) || v === 'NURSERY') return 'N';
    const n = String(Number(v));
    if ((YEAR_GROUPS as readonly string[]).includes(n) && /^\d+$/.test(v)) return n as YearGroup;
  }
  return undefined;
}

/** The calendar date of a Wonde date, at midnight UTC; undefined when absent or unreadable. */
export function dateOf(value: WondeDate | null | undefined): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value?.date ?? '');
  if (!m) return undefined;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** The four flags from extended details, or null when none is set (nothing is stored then). */
export function vulnerabilityOf(student: WondeStudent): VulnerabilityFlags | null {
  const x = student.extended_details?.data;
  const sen = text(x?.sen_status)?.toUpperCase();
  const flags: VulnerabilityFlags = {
    // N is "no special educational need" in the DfE's SEN provision codes.
    sen: sen !== undefined && sen !== 'N',
    lookedAfter: x?.in_lea_care === true,
    previouslyLookedAfter: x?.ever_in_care === true && x.in_lea_care !== true,
    childProtectionPlan: x?.child_protection_plan === true,
  };
  return Object.values(flags).some(Boolean) ? flags : null;
}

/** A pupil from a Wonde student: name, email, year, registration group, date of birth, and flags when turned on. */
export function pupilFrom(student: WondeStudent & { id: string }, vulnerableGroups: boolean): PersonInput {
  const person: PersonInput = { personId: student.id, displayName: nameOf(student) ?? student.id, role: 'pupil' };
  const email = emailOf(student.contact_details);
  if (email) person.email = email;
  const year = yearGroupOf(student.year?.data);
  if (year) person.yearGroup = year;
  const form = text(student.registration?.data?.name) ?? text(student.registration?.data?.description);
  if (form) person.form = form;
  const dob = dateOf(student.date_of_birth);
  if (dob) person.dateOfBirth = dob;
  person.vulnerability = vulnerableGroups ? vulnerabilityOf(student) : null;
  return person;
}

/** True for a contact the school records as holding parental responsibility for the pupil. */
export function holdsParentalResponsibility(contact: WondeStudentContact): boolean {
  return contact.relationship?.parental_responsibility === true;
}

/** A pupil's contacts with parental responsibility, highest priority (1) first. */
export function responsibleContacts(student: WondeStudent): Array<WondeStudentContact & { id: string }> {
  const priority = (c: WondeStudentContact) => Number(c.relationship?.priority ?? Number.MAX_SAFE_INTEGER) || Number.MAX_SAFE_INTEGER;
  return (student.contacts?.data ?? [])
    .filter((c): c is WondeStudentContact & { id: string } => typeof c.id === 'string' && holdsParentalResponsibility(c))
    .sort((a, b) => priority(a) - priority(b));
}

/** A parent from a contact (children are added by the caller). */
export function parentFrom(contact: { id: string; forename?: string | null; surname?: string | null; contact_details?: Included<WondeContactDetails> }): PersonInput {
  const person: PersonInput = { personId: contact.id, displayName: nameOf(contact) ?? contact.id, role: 'parent', childrenIds: [] };
  const email = emailOf(contact.contact_details);
  if (email) person.email = email;
  return person;
}

/** A member of staff from a Wonde employee; their MIS roles (e.g. "Designated Safeguarding Lead") become the job title. */
export function staffFrom(employee: WondeEmployee & { id: string }): PersonInput {
  const person: PersonInput = { personId: employee.id, displayName: nameOf(employee) ?? employee.id, role: 'staff' };
  const email = emailOf(employee.contact_details);
  if (email) person.email = email;
  const roles = [...new Set((employee.roles?.data ?? []).map((r) => text(r.name ?? r.role)).filter((r): r is string => r !== undefined))];
  if (roles.length > 0) person.jobTitle = roles.join(', ');
  return person;
}
