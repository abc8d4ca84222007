import { writeFileSync } from 'node:fs';
import type { PersonInput } from '../../../src/directory/person.js';

/** A seeded PRNG (mulberry32): the same seed gives the same school year. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The forms of a one-form-entry primary, Reception to Year 6. */
export const FORMS: readonly { form: string; yearGroup: '1' | '2' | '3' | '4' | '5' | '6' | 'R' }[] = [
  { form: 'Wrens', yearGroup: 'R' },
  { form: 'Robins', yearGroup: '1' },
  { form: 'Finches', yearGroup: '2' },
  { form: 'Kestrels', yearGroup: '3' },
  { form: 'Owls', yearGroup: '4' },
  { form: 'Hawks', yearGroup: '5' },
  { form: 'Eagles', yearGroup: '6' },
];
const NEXT_YEAR: Record<string, string | null> = { R: '1', '1': '2', '2': '3', '3': '4', '4': '5', '5': '6', '6': null };

/** The school's size. */
export interface SchoolSize {
  staff: number;
  governors: number;
  volunteers: number;
  pupilsPerForm: number;
}

/** The Entra object id the sim gives a person (everyone adult has one; whether Lantern is installed is separate). */
export function aadFor(personId: string): string {
  const digits = [...personId].map((c) => c.charCodeAt(0).toString(16)).join('').slice(-12).padStart(12, '0');
  return `5e5e5e5e-0000-4000-8000-${digits}`;
}

/**
 * The school's directory as the MIS export would list it, kept by the simulation and written to the CSV the
 * directory sync reads. The DSL is staff s001; s002–s008 teach Wrens to Eagles.
 */
export class SimDirectory {
  readonly people = new Map<string, PersonInput>();
  private nextStaff: number;
  private nextPupil = 1;
  private nextVolunteer: number;

  constructor(size: SchoolSize) {
    for (let i = 1; i <= size.staff; i++) this.addStaff(i);
    this.nextStaff = size.staff + 1;
    for (let i = 1; i <= size.governors; i++) this.add({ personId: `g${pad(i)}`, email: `g${pad(i)}@sim.example`, displayName: `Governor ${i}`, role: 'governor' });
    for (let i = 1; i <= size.volunteers; i++) this.add({ personId: `v${pad(i)}`, email: `v${pad(i)}@sim.example`, displayName: `Volunteer ${i}`, role: 'volunteer' });
    this.nextVolunteer = size.volunteers + 1;
    for (const { form, yearGroup } of FORMS) for (let i = 0; i < size.pupilsPerForm; i++) this.addPupil(form, yearGroup);
  }

  private add(p: PersonInput): void {
    this.people.set(p.personId, { ...p, ...(p.role !== 'pupil' && p.role !== 'parent' ? { aadObjectId: aadFor(p.personId) } : {}) });
  }

  private addStaff(i: number): string {
    const form = i >= 2 && i <= 1 + FORMS.length ? FORMS[i - 2]?.form : undefined;
    this.add({ personId: `s${pad(i)}`, email: `s${pad(i)}@sim.example`, displayName: `Staff ${i}`, role: 'staff', jobTitle: i === 1 ? 'DSL' : form ? 'Class teacher' : 'Teaching assistant', ...(form ? { formsTaught: [form] } : {}) });
    return `s${pad(i)}`;
  }

  /** A new pupil in a form, with a parent. */
  addPupil(form: string, yearGroup: PersonInput['yearGroup']): string {
    const id = `p${pad(this.nextPupil++, 4)}`;
    this.add({ personId: id, displayName: `Pupil ${id}`, role: 'pupil', yearGroup, form });
    this.add({ personId: `par-${id}`, email: `parent-${id}@home.example`, displayName: `Parent of ${id}`, role: 'parent', childrenIds: [id] });
    return id;
  }

  /** A member of staff joining (no class). */
  joinStaff(): string {
    return this.addStaff(this.nextStaff++);
  }

  /** A volunteer joining. */
  joinVolunteer(): string {
    const i = this.nextVolunteer++;
    this.add({ personId: `v${pad(i)}`, email: `v${pad(i)}@sim.example`, displayName: `Volunteer ${i}`, role: 'volunteer' });
    return `v${pad(i)}`;
  }

  /** Someone leaving (and a leaving pupil's parent). */
  leave(personId: string): void {
    this.people.delete(personId);
    this.people.delete(`par-${personId}`);
  }

  /** The new academic year: every pupil moves up a year (into that year's form), Year 6 leaves, a new Reception starts. */
  promote(intake: number): void {
    for (const p of [...this.people.values()]) {
      if (p.role !== 'pupil') continue;
      const next = NEXT_YEAR[p.yearGroup ?? ''];
      if (!next) this.leave(p.personId);
      else this.people.set(p.personId, { ...p, yearGroup: next as PersonInput['yearGroup'], form: FORMS.find((f) => f.yearGroup === next)?.form as string });
    }
    for (let i = 0; i < intake; i++) this.addPupil('Wrens', 'R');
  }

  /** Writes the directory CSV the school's directory sync reads. */
  writeCsv(file: string): void {
    const cols = ['personId', 'email', 'displayName', 'role', 'jobTitle', 'yearGroup', 'form', 'formsTaught', 'childrenIds', 'aadObjectId'] as const;
    const rows = [...this.people.values()].map((p) => cols.map((c) => { const v = p[c]; return Array.isArray(v) ? v.join(';') : (v ?? ''); }).join(','));
    writeFileSync(file, `${[cols.join(','), ...rows].join('\n')}\n`);
  }
}

function pad(n: number, width = 3): string {
  return String(n).padStart(width, '0');
}
