import type { School } from '../../config/load.js';
import type { Models } from '../../db/models.js';
import type { Role } from '../../directory/person.js';
import { createTenantContext, type TenantContext } from '../tenant.js';

/** The rules' view of a school (B3): its domains from config, its people from the synced directory. */
export async function loadTenantContext(models: Pick<Models, 'people'>, school: School): Promise<TenantContext> {
  const people = await models.people.find({ schoolId: school.id, active: true, email: { $exists: true } }).lean();
  const dsl = new Set(school.dsl.members.map((m) => m.email.toLowerCase()));
  return createTenantContext({
    ownDomains: school.ownDomains,
    trustedDomains: school.trustedDomains,
    people: people
      .filter((p) => typeof p.email === 'string' && p.email !== '')
      .map((p) => ({
        email: p.email as string,
        role: p.role as Role,
        ...(p.yearGroup ? { yearGroup: p.yearGroup } : {}),
        ...(p.form ? { form: p.form } : {}),
        ...(dsl.has((p.email as string).toLowerCase()) ? { dsl: true } : {}),
      })),
  });
}
