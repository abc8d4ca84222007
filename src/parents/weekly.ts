import type { School } from '../config/load.js';
import type { Person } from '../directory/person.js';
import type { Models } from '../stores.js';
import type { ConsentRecord } from './consent-model.js';
import { tallyConsents, type ConsentTally } from './consent-summary.js';
import { latestByKind } from './consents.js';

/** The stores the digest's consent counts read. */
export type ParentsWeekStores = Pick<Models, 'people' | 'parentConsents'>;

/** Where the school's active pupils stand on each consent now: counts only, for the governors' digest. */
export async function consentCounts(stores: ParentsWeekStores, school: School): Promise<ConsentTally[]> {
  const pupils = await stores.people.find({ schoolId: school.id, role: 'pupil', active: true }, { personId: 1, yearGroup: 1 }).lean<Pick<Person, 'personId' | 'yearGroup'>[]>();
  const records = await stores.parentConsents.find({ schoolId: school.id }).lean<ConsentRecord[]>();
  const byPupil = new Map<string, ConsentRecord[]>();
  for (const r of records) byPupil.set(r.pupilId, [...(byPupil.get(r.pupilId) ?? []), r]);
  return tallyConsents(school, pupils, (id) => latestByKind(byPupil.get(id) ?? []));
}
