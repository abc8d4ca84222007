import { CONSENT_KINDS } from '../../parents/consent-model.js';
import { currentConsents } from '../../parents/consents.js';
import type { CommandRun } from '../command.js';
import { withCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { schoolOnlyOptions } from './commands.js';

/** `lantern parents status`: per consent, how many pupils have a yes, a no, a withdrawal or no answer yet. */
export const showConsentStatus: CommandRun<typeof schoolOnlyOptions> = ({ flags }, io) =>
  withCommandDatabase(io, {}, async (ctx) => {
    const school = pickSchool(ctx.config, flags.school);
    const pupilIds = await ctx.models.parentLinks.distinct('pupilId', { schoolId: school.id, active: true });
    const counts = Object.fromEntries(CONSENT_KINDS.map((k) => [k, { given: 0, refused: 0, withdrawn: 0, none: 0 }]));
    for (const pupilId of pupilIds) {
      const state = await currentConsents(ctx.models, school.id, String(pupilId));
      for (const kind of CONSENT_KINDS) {
        const c = counts[kind] as Record<string, number>;
        const key = state[kind]?.decision ?? 'none';
        c[key] = (c[key] ?? 0) + 1;
      }
    }
    io.out(`${school.name}: ${pupilIds.length} pupil(s) with a linked parent`);
    for (const kind of CONSENT_KINDS) {
      const c = counts[kind] as Record<string, number>;
      io.out(`  ${kind}: ${c.given} yes, ${c.refused} no, ${c.withdrawn} withdrawn, ${c.none} no answer`);
    }
    return 0;
  });
