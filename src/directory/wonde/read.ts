import type { DirectoryBaseline, DirectoryRead, DirectoryReadProgress } from '../source.js';
import type { PersonInput } from '../person.js';
import type { WondeClient } from './client.js';
import { holdsParentalResponsibility, parentFrom, pupilFrom, responsibleContacts, staffFrom } from './mapping.js';
import type { WondeClass, WondeContact, WondeDeletion, WondeEmployee, WondeStudent } from './records.js';

/** What reading a school from Wonde needs. */
export interface WondeReadOptions {
  client: WondeClient;
  vulnerableGroups: boolean;
  /** Read only what changed since the baseline (updated_after and deletions); absent: read everything. */
  baseline?: DirectoryBaseline | undefined;
  onProgress?(progress: DirectoryReadProgress): void;
}

// Details never asked for: addresses, telephones beyond what contact_details carries, medical data.
const STUDENT_INCLUDES = ['year', 'registration', 'contact_details', 'contacts', 'contacts.contact_details'];
const EMPLOYEE_INCLUDES = ['contact_details', 'employment_details', 'roles'];

/** Wonde's updated_after format, in UTC: read as London time it asks for an hour more in summer, never less. */
export function wondeTimestamp(at: Date): string {
  return at.toISOString().slice(0, 19).replace('T', ' ');
}

function hasId<T extends { id?: string }>(r: T): r is T & { id: string } {
  return typeof r.id === 'string' && r.id !== '';
}

/**
 * Reads a school's people from Wonde: students (pupils), employees (staff; not current ones skipped), the
 * contacts with parental responsibility (parents, linked to their children), and classes (the classes each
 * teacher teaches). With a baseline, only records updated since it are read and merged onto the stored
 * directory, and Wonde's deletions remove people; the result is still the complete directory, so applying it
 * is all-or-nothing like any other source. Any failure throws before anything is returned.
 */
export async function readWondeDirectory(options: WondeReadOptions): Promise<DirectoryRead> {
  const { client, baseline } = options;
  const changed: Record<string, string> = baseline ? { updated_after: wondeTimestamp(baseline.since) } : {};
  const includes = options.vulnerableGroups ? [...STUDENT_INCLUDES, 'extended_details'] : STUDENT_INCLUDES;
  let read = 0;
  let skipped = 0;
  const people = new Map<string, PersonInput>(baseline ? baseline.people.map((p) => [p.personId, clone(p)]) : []);
  // Flags turned off clear at once, not at the next complete read.
  if (!options.vulnerableGroups) for (const p of people.values()) if (p.vulnerability) p.vulnerability = null;
  const progress = () => options.onProgress?.({ read, mapped: people.size, skipped });

  const students = (await client.list<WondeStudent>('students', { include: includes.join(','), ...changed }, () => progress())).filter(hasId);
  const employees = (await client.list<WondeEmployee>('employees', { include: EMPLOYEE_INCLUDES.join(','), ...changed })).filter(hasId);
  const contacts = baseline ? (await client.list<WondeContact>('contacts', { include: 'contact_details', ...changed })).filter(hasId) : [];
  const deletions = baseline ? (await client.list<WondeDeletion>('deletions', changed)).filter(hasId) : [];
  // Classes are read whole each time: their teachers change without the employee record changing.
  const classes = (await client.list<WondeClass>('classes', { include: 'employees' })).filter(hasId);
  read = students.length + employees.length + contacts.length;

  const otherContacts = new Set<string>();
  for (const d of deletions) if (!d.restored_at?.date) people.delete(d.id);
  for (const e of employees) {
    if (e.employment_details?.data?.current === false) {
      people.delete(e.id);
      skipped++;
      continue;
    }
    people.set(e.id, staffFrom(e));
  }
  for (const s of students) {
    people.set(s.id, pupilFrom(s, options.vulnerableGroups));
    // The student's contacts are listed whole: drop its old links, then link the ones with parental responsibility.
    for (const p of people.values()) if (p.role === 'parent' && p.childrenIds?.includes(s.id)) p.childrenIds = p.childrenIds.filter((id) => id !== s.id);
    for (const c of responsibleContacts(s)) {
      const parent = people.get(c.id) ?? parentFrom(c);
      const fresh = parentFrom(c);
      parent.displayName = fresh.displayName;
      if (fresh.email) parent.email = fresh.email;
      parent.childrenIds = [...new Set([...(parent.childrenIds ?? []), s.id])].sort();
      people.set(c.id, parent);
    }
    for (const c of s.contacts?.data ?? []) if (c.id && !holdsParentalResponsibility(c)) otherContacts.add(c.id);
  }
  for (const c of contacts) {
    const parent = people.get(c.id);
    if (parent?.role !== 'parent') continue;
    const fresh = parentFrom(c);
    parent.displayName = fresh.displayName;
    if (fresh.email) parent.email = fresh.email;
  }
  // A parent left with no child on roll (every link removed, or the children deleted) is no longer the school's parent.
  for (const [id, p] of people) {
    if (p.role !== 'parent') continue;
    p.childrenIds = (p.childrenIds ?? []).filter((c) => people.get(c)?.role === 'pupil');
    if (p.childrenIds.length === 0) people.delete(id);
  }
  skipped += [...otherContacts].filter((id) => !people.has(id)).length;

  const taught = new Map<string, string[]>();
  for (const cls of classes) {
    const name = cls.name?.trim();
    if (!name) continue;
    for (const t of cls.employees?.data ?? []) if (t.id) taught.set(t.id, [...(taught.get(t.id) ?? []), name]);
  }
  for (const p of people.values()) if (p.role === 'staff') p.formsTaught = [...new Set(taught.get(p.personId) ?? [])].sort();
  progress();
  return { people: [...people.values()], skipped };
}

function clone(p: PersonInput): PersonInput {
  return { ...p, ...(p.childrenIds ? { childrenIds: [...p.childrenIds] } : {}) };
}
