import type { School } from '../config/load.js';
import type { Person } from '../directory/person.js';
import { ErrorCode, LanternError } from '../errors.js';
import type { Models } from '../stores.js';
import type { ConsentRecord } from './consent-model.js';
import { latestByKind } from './consents.js';
import { appliesToPupil, consentTypesOf, type ConsentType } from './consent-types.js';

/** The stores the class list reads. */
export type ClassListStores = Pick<Models, 'people' | 'parentConsents'>;

/** Why a use is not allowed: the parent said no, withdrew, or never answered (which counts as no). */
export type NotAllowedReason = 'refused' | 'withdrawn' | 'no answer';

/** One pupil on the list: their name and the uses not allowed. Nothing else about the child. */
export interface ClassListRow {
  name: string;
  notAllowed: { label: string; reason: NotAllowedReason }[];
}

/** The "who may not appear" list of one class. */
export interface ClassList {
  schoolName: string;
  form: string;
  /** The types the list covers (all configured ones, or the one asked for). */
  types: readonly ConsentType[];
  /** Pupils with at least one use not allowed, by name (A–Z). */
  rows: ClassListRow[];
  /** Pupils in the class, for "n of m". */
  pupils: number;
  at: Date;
}

/** The classes (forms) of a school's active pupils, A–Z. */
export async function schoolForms(stores: Pick<Models, 'people'>, schoolId: string): Promise<string[]> {
  const forms = await stores.people.distinct('form', { schoolId, role: 'pupil', active: true });
  return forms.filter((f): f is string => typeof f === 'string' && f.length > 0).sort((a, b) => a.localeCompare(b, 'en-GB'));
}

/**
 * Who in a class may not appear in (or be part of) each use the school asks consent for. Safe by default: a use
 * is allowed only when a parent's latest answer is yes; a refusal, a withdrawal and no answer at all each put the
 * pupil on the list. A type that does not apply to a pupil's year group is not asked of them and not listed.
 */
export async function whoMayNotAppear(stores: ClassListStores, school: School, form: string, now: Date, options: { typeId?: string } = {}): Promise<ClassList> {
  const configured = consentTypesOf(school);
  const types = options.typeId === undefined ? configured : configured.filter((t) => t.id === options.typeId);
  if (types.length === 0) {
    throw new LanternError(ErrorCode.ConsentTypeUnknown, `${school.name} does not ask parents about "${options.typeId}". Use one of: ${configured.map((t) => t.id).join(', ')}.`);
  }
  const pupils = await stores.people.find({ schoolId: school.id, role: 'pupil', active: true, form }, { personId: 1, displayName: 1, yearGroup: 1 }).lean<Pick<Person, 'personId' | 'displayName' | 'yearGroup'>[]>();
  if (pupils.length === 0) {
    const forms = await schoolForms(stores, school.id);
    throw new LanternError(ErrorCode.ConsentClassUnknown, `${school.name} has no class called "${form}" with pupils in it. Classes: ${forms.join(', ') || 'none yet (load the directory first)'}.`);
  }
  const records = await stores.parentConsents.find({ schoolId: school.id, pupilId: { $in: pupils.map((p) => p.personId) } }).lean<ConsentRecord[]>();
  const byPupil = new Map<string, ConsentRecord[]>();
  for (const r of records) byPupil.set(r.pupilId, [...(byPupil.get(r.pupilId) ?? []), r]);
  const rows: ClassListRow[] = [];
  for (const p of pupils) {
    const state = latestByKind(byPupil.get(p.personId) ?? []);
    const notAllowed = types
      .filter((t) => appliesToPupil(t, p))
      .flatMap((t) => {
        const decision = state[t.id]?.decision;
        if (decision === 'given') return [];
        const reason: NotAllowedReason = decision === 'refused' || decision === 'withdrawn' ? decision : 'no answer';
        return [{ label: t.label, reason }];
      });
    if (notAllowed.length) rows.push({ name: p.displayName, notAllowed });
  }
  rows.sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
  return { schoolName: school.name, form, types, rows, pupils: pupils.length, at: now };
}

/** Who asks for a class list: a person from the directory, and whether they are on the DSL team. */
export interface ClassListAsker {
  person: Pick<Person, 'role' | 'email' | 'formsTaught' | 'active'>;
  isDsl: boolean;
}

/** True when the office may see every class's list: named in parents.officeStaff, or the office address itself. */
export function isOffice(school: Pick<School, 'parents'>, email: string | null | undefined): boolean {
  if (!email) return false;
  const e = email.toLowerCase();
  return Boolean(school.parents?.officeStaff.includes(e) || school.parents?.officeEmail === e);
}

/** The classes whose list this person may get: the DSL team and the office every class, a class teacher their own, anyone else none. */
export function classesFor(school: Pick<School, 'parents'>, asker: ClassListAsker, allForms: readonly string[]): string[] {
  if (asker.person.active === false || asker.person.role !== 'staff') return [];
  if (asker.isDsl || isOffice(school, asker.person.email)) return [...allForms];
  const taught = new Set(asker.person.formsTaught ?? []);
  return allForms.filter((f) => taught.has(f));
}
