import type { Model } from 'mongoose';
import type { Person } from '../directory/person.js';

type People = Pick<Model<Person>, 'find'>;

/** How a pupil is written in a "pupils involved" box: "Ava Adebayo (Kestrels)", the form telling namesakes apart. */
export function pupilLabel(p: Pick<Person, 'displayName' | 'form' | 'yearGroup'>): string {
  const where = p.form ?? (p.yearGroup ? `Year ${p.yearGroup}` : undefined);
  return where ? `${p.displayName} (${where})` : p.displayName;
}

/** A case's pupils as a "pupils involved" box shows them, `;`-separated (ids no longer in the directory are left out). */
export function pupilNamesText(subjects: readonly string[], people: readonly Person[]): string {
  const byId = new Map(people.map((p) => [p.personId, p]));
  return subjects.flatMap((id) => { const p = byId.get(id); return p ? [pupilLabel(p)] : []; }).join('; ');
}

const fold = (s: string) => s.trim().replace(/\s+/g, ' ').toLocaleLowerCase('en-GB');

/**
 * Turns a "pupils involved" box ("Ava Adebayo (Kestrels); Ben Ng") into directory ids. Each name must match
 * one active pupil of the school, by name or by name and form; otherwise the answer says which name to fix.
 */
export async function resolvePupilNames(people: People, schoolId: string, text: string): Promise<string[] | string> {
  const names = text.split(/[;\n]/).map((s) => s.trim()).filter(Boolean);
  if (names.length > 50) return 'Name at most 50 pupils.';
  if (names.length === 0) return [];
  const pupils = await people.find({ schoolId, role: 'pupil', active: true }, { personId: 1, displayName: 1, form: 1, yearGroup: 1 }).lean<Person[]>();
  const ids: string[] = [];
  for (const name of names) {
    const wanted = fold(name);
    const byLabel = pupils.filter((p) => fold(pupilLabel(p)) === wanted);
    const matches = byLabel.length ? byLabel : pupils.filter((p) => fold(p.displayName) === wanted);
    if (matches.length === 0) return `There is no pupil called "${name}" in the school directory. Check the spelling, or write them under "others involved".`;
    if (matches.length > 1) return `More than one pupil is called "${name}". Add their form, e.g. "${pupilLabel(matches[0] as Person)}".`;
    ids.push((matches[0] as Person).personId);
  }
  return ids;
}
