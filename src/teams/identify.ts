import type { Activity } from '@microsoft/agents-activity';
import type { LanternConfig, School } from '../config/load.js';
import type { Models } from '../stores.js';
import type { Person } from '../directory/person.js';
import type { ClickCache } from './click-cache.js';

/** Who sent an activity, as far as Lantern's configuration and directory can tell. */
export interface Sender {
  /** The Microsoft 365 tenant the activity came from. */
  tenantId?: string;
  /** Schools configured for that tenant (several when a trust shares one tenant). */
  schools: readonly School[];
  school?: School;
  person: Person | null;
  isDsl: boolean;
}

/** The tenant id Teams puts on an activity. */
export function tenantOf(activity: Activity): string | undefined {
  const channelData = activity.channelData as { tenant?: { id?: string } } | undefined;
  return activity.conversation?.tenantId ?? channelData?.tenant?.id ?? undefined;
}

/**
 * The tenant an inbound activity names in conversation.tenantId and channelData.tenant.id. `conflict` when
 * both are given and differ: such an activity is refused rather than guessed at.
 */
export function claimedTenant(activity: { conversation?: { tenantId?: string }; channelData?: { tenant?: { id?: string } } }): { tenantId?: string; conflict: boolean } {
  const fromConversation = activity.conversation?.tenantId?.toLowerCase();
  const fromChannelData = activity.channelData?.tenant?.id?.toLowerCase();
  const tenantId = fromConversation ?? fromChannelData;
  return { ...(tenantId ? { tenantId } : {}), conflict: Boolean(fromConversation && fromChannelData && fromConversation !== fromChannelData) };
}

/**
 * True when a tenant is the Microsoft 365 tenant of a configured school (schools[].microsoft.tenantId). The
 * bot's own tenant (bot.tenantId, where the app is registered) counts only when a school is configured in it.
 */
export function isSchoolTenant(config: LanternConfig, tenantId: string | undefined): boolean {
  return tenantId !== undefined && config.schools.some((s) => s.microsoft?.tenantId.toLowerCase() === tenantId.toLowerCase());
}

/**
 * The schools an activity may belong to: those configured with its tenant id. Without Microsoft
 * credentials (demo or local mode) a school with no tenant id configured accepts any tenant, so the
 * Agents Playground's made-up tenant reaches the demo school.
 */
export function schoolsForTenant(config: LanternConfig, tenantId: string | undefined): School[] {
  const matching = config.schools.filter((s) => tenantId !== undefined && s.microsoft?.tenantId.toLowerCase() === tenantId.toLowerCase());
  if (matching.length > 0 || config.bot !== null) return matching;
  return config.schools.filter((s) => s.microsoft === undefined);
}

/**
 * Looks the sender up in the directory of the schools their tenant maps to (through the instance's click cache
 * when given, reusing a person found within `ttlMs`).
 */
export async function identifySender(activity: Activity, config: LanternConfig, models: Models, cache?: ClickCache, ttlMs?: number): Promise<Sender> {
  const tenantId = tenantOf(activity);
  const schools = schoolsForTenant(config, tenantId);
  const aadObjectId = activity.from?.aadObjectId;
  const base = { ...(tenantId ? { tenantId } : {}), schools };
  if (!aadObjectId || schools.length === 0) return { ...base, ...(schools.length === 1 ? { school: schools[0] } : {}), person: null, isDsl: false };

  const schoolIds = schools.map((s) => s.id);
  const load = () => models.people.findOne({ schoolId: { $in: schoolIds }, aadObjectId, active: true }).lean<Person>();
  const person = cache ? await cache.person(schoolIds, aadObjectId, load, ttlMs) : await load();
  const school = person ? schools.find((s) => s.id === person.schoolId) : schools.length === 1 ? schools[0] : undefined;
  const isDsl = Boolean(person?.email && school?.dsl.members.some((m) => m.email === person.email));
  return { ...base, ...(school ? { school } : {}), person, isDsl };
}
