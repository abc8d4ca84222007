import type { School } from '../../config/load.js';
import type { Role } from '../../directory/person.js';
import type { Models } from '../../stores.js';
import { isInside, type SchoolView } from './classify.js';

/** Who has a drive to read, and the view of the school every file is judged against. */
export interface InventoryTargets {
  view: SchoolView;
  /** Addresses on the school's own domains (Drive). */
  googleUsers: string[];
  /** Entra object id, else the address as user principal name, of each account (OneDrive). */
  microsoftUsers: { id: string; email: string }[];
}

// Parents and visitors have no school account; everyone else on the school's domains may own files.
const ACCOUNT_ROLES: Role[] = ['pupil', 'staff', 'governor', 'volunteer'];

/** Reads the directory once: active accounts on the school's own domains, and which of them are pupils. */
export async function inventoryTargets(models: Pick<Models, 'people'>, school: School): Promise<InventoryTargets> {
  const people = await models.people.find({ schoolId: school.id, active: true, role: { $in: ACCOUNT_ROLES }, email: { $exists: true } }, { email: 1, role: 1, aadObjectId: 1 }).lean();
  const view: SchoolView = {
    insideDomains: [...school.ownDomains, ...school.trustedDomains].map((d) => d.toLowerCase()),
    pupils: new Set(people.filter((p) => p.role === 'pupil' && p.email).map((p) => String(p.email))),
  };
  const own: SchoolView = { insideDomains: school.ownDomains.map((d) => d.toLowerCase()), pupils: view.pupils };
  const accounts = people.filter((p) => p.email && isInside(own, p.email));
  return {
    view,
    googleUsers: accounts.map((p) => String(p.email)),
    microsoftUsers: accounts.map((p) => ({ id: p.aadObjectId ?? String(p.email), email: String(p.email) })),
  };
}
