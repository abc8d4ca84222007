import type { School } from '../../config/load.js';
import type { Models } from '../../stores.js';
import type { Role } from '../../directory/person.js';
import { createTenantContext, type TenantContext } from '../tenant.js';

/** Allowlists from the monitoring change log (settings-store.ts) that add to the config's. */
export interface TenantAllowlists {
  trustedDomains?: readonly string[];
  approvedApps?: readonly string[];
}

/**
 * The rules' view of a school (B3): its domains from config, its people from the synced directory, and the
 * allowlists the IT manager changed through `lantern monitor allowlist` when given.
 */
export async function loadTenantContext(models: Pick<Models, 'people'>, school: School, allowlists: TenantAllowlists = {}): Promise<TenantContext> {
  const people = await models.people.find({ schoolId: school.id, active: true, email: { $exists: true } }).lean();
  const dsl = new Set(school.dsl.members.map((m) => m.email.toLowerCase()));
  return createTenantContext({
    ownDomains: school.ownDomains,
    trustedDomains: [...new Set([...school.trustedDomains, ...(allowlists.trustedDomains ?? [])])],
    ...(allowlists.approvedApps ? { approvedApps: allowlists.approvedApps } : {}),
    people: people
      .filter((p) => typeof p.email === 'string' && p.email !== '')
      .map((p) => ({
        email: p.email as string,
        role: p.role as Role,
        ...(p.yearGroup ? { yearGroup: p.yearGroup } : {}),
        ...(p.form ? { form: p.form } : {}),
        ...(dsl.has((p.email as string).toLowerCase()) ? { dsl: true } : {}),
        ...(p.adminRoles && p.adminRoles.length > 0 ? { adminRoles: [...p.adminRoles] } : {}),
      })),
  });
}
