import type { Actor } from '../../cases/timeline-model.js';
import type { LanternConfig, School } from '../../config/load.js';
import type { Models } from '../../stores.js';
import { pickSchool } from '../kit/school.js';

/** Picks the school (the only one, or --school) and checks `--as` is on its DSL team; an error string otherwise. */
export async function resolveDslCaller(config: LanternConfig, models: Models, flags: { school?: string; as?: string }): Promise<{ school: School; actor: Actor } | string> {
  const school = pickSchool(config, flags.school);
  const email = flags.as?.trim().toLowerCase() ?? '';
  if (!email) return '--as is required: the email of the DSL team member making this request (it goes in the access log).';
  if (!school.dsl.members.some((m) => m.email === email)) return `${email} is not on ${school.name}'s DSL team (schools[].dsl.members): only the DSL team may do this.`;
  const person = await models.people.findOne({ schoolId: school.id, email }).lean();
  return { school, actor: { email, name: person?.displayName ?? email } };
}
