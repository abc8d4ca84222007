import { z } from 'zod';
import type { Model } from 'mongoose';
import { ROLES, YEAR_GROUPS, type Person } from '../directory/person.js';

/**
 * Who a policy or campaign is for. A person is in the audience when they match every list that is set
 * (roles AND year groups AND forms); `personIds` adds named people (a "group") whatever their role.
 */
export const AudienceSchema = z.strictObject({
  roles: z.array(z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` })).optional(),
  yearGroups: z.array(z.enum(YEAR_GROUPS, { error: `must be one of ${YEAR_GROUPS.join(', ')}` })).optional(),
  forms: z.array(z.string().min(1)).optional(),
  personIds: z.array(z.string().min(1)).optional(),
});

/** A parsed audience. */
export type Audience = z.infer<typeof AudienceSchema>;

/** The roles who sign for themselves in Teams; pupils are signed for by their teacher (or in class, later). */
export const SELF_SIGNING_ROLES = new Set(['staff', 'governor', 'volunteer', 'visitor']);

/** True when the person belongs to the audience. */
export function inAudience(person: Pick<Person, 'role' | 'yearGroup' | 'form' | 'personId'>, audience: Audience): boolean {
  if (audience.personIds?.includes(person.personId)) return true;
  const anyFilter = Boolean(audience.roles?.length || audience.yearGroups?.length || audience.forms?.length);
  if (!anyFilter) return false;
  if (audience.roles?.length && !audience.roles.includes(person.role)) return false;
  if (audience.yearGroups?.length && !(person.yearGroup && audience.yearGroups.includes(person.yearGroup))) return false;
  if (audience.forms?.length && !(person.form && audience.forms.includes(person.form))) return false;
  return true;
}

/** The active people of a school in the audience, sorted by personId. */
export async function resolveAudience(people: Model<Person>, schoolId: string, audience: Audience): Promise<Person[]> {
  const all = await people.find({ schoolId, active: true }).sort({ personId: 1 }).lean<Person[]>();
  return all.filter((p) => inAudience(p, audience));
}

/** A short human description, e.g. "staff, governor · Year 1, 2". */
export function describeAudience(audience: Audience): string {
  const parts = [
    audience.roles?.length ? audience.roles.join(', ') : '',
    audience.yearGroups?.length ? `Year ${audience.yearGroups.join(', ')}` : '',
    audience.forms?.length ? `forms ${audience.forms.join(', ')}` : '',
    audience.personIds?.length ? `${audience.personIds.length} named people` : '',
  ].filter(Boolean);
  return parts.join(' · ') || 'nobody';
}
