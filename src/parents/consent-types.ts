import type { School } from '../config/load.js';
import { DEFAULT_CONSENT_TYPES, type ConsentType } from '../config/schema.js';
import type { Person } from '../directory/person.js';

export type { ConsentType };

/** The key stage of each year group (nursery and reception are the early years). */
const KEY_STAGE_OF: Readonly<Record<string, string>> = {
  N: 'EYFS', R: 'EYFS', '1': 'KS1', '2': 'KS1', '3': 'KS2', '4': 'KS2', '5': 'KS2', '6': 'KS2',
  '7': 'KS3', '8': 'KS3', '9': 'KS3', '10': 'KS4', '11': 'KS4', '12': 'KS5', '13': 'KS5',
};

/** The consent types a school asks about, in the order parents see them (the standard two when none are configured). */
export function consentTypesOf(school: Pick<School, 'parents'>): readonly ConsentType[] {
  return school.parents?.consentTypes ?? DEFAULT_CONSENT_TYPES;
}

/** True when the type is asked of this pupil's parents: no `appliesTo`, or the pupil's year group or key stage is named. */
export function appliesToPupil(type: ConsentType, pupil: Pick<Person, 'yearGroup'>): boolean {
  if (!type.appliesTo) return true;
  const year = pupil.yearGroup ?? undefined;
  // A pupil whose year is not known is asked everything: asking too much is safer than leaving a use unasked.
  if (!year) return true;
  const stage = KEY_STAGE_OF[year];
  return Boolean(type.appliesTo.yearGroups?.includes(year as never) || (stage && type.appliesTo.keyStages?.includes(stage as never)));
}

/** The types asked of this pupil's parents, in the school's order. */
export function consentTypesFor(school: Pick<School, 'parents'>, pupil: Pick<Person, 'yearGroup'>): ConsentType[] {
  return consentTypesOf(school).filter((t) => appliesToPupil(t, pupil));
}

/** What a stored answer's kind is called: its configured label, or its id marked "no longer asked" when the type was removed. */
export function consentLabel(school: Pick<School, 'parents'>, kind: string): string {
  if (kind === 'agreement') return 'The class agreement';
  const type = consentTypesOf(school).find((t) => t.id === kind);
  return type ? type.label : `${kind} (no longer asked)`;
}
