import type { Person } from '../../directory/person.js';
import type { ConsentRecord } from '../../parents/consent-model.js';
import { tallyConsents } from '../../parents/consent-summary.js';
import { latestByKind } from '../../parents/consents.js';
import type { CommandRun } from '../command.js';
import { withCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { schoolOnlyOptions } from './commands.js';

/** `lantern parents status`: per consent, how many pupils have a yes, a no, a withdrawal or no answer yet. */
export const showConsentStatus: CommandRun<typeof schoolOnlyOptions> = ({ flags }, io) =>
  withCommandDatabase(io, {}, async (ctx) => {
    const school = pickSchool(ctx.config, flags.school);
    const pupilIds = (await ctx.models.parentLinks.distinct('pupilId', { schoolId: school.id, active: true })).map(String);
    const pupils = await ctx.models.people.find({ schoolId: school.id, personId: { $in: pupilIds } }, { personId: 1, yearGroup: 1 }).lean<Pick<Person, 'personId' | 'yearGroup'>[]>();
    const records = await ctx.models.parentConsents.find({ schoolId: school.id, pupilId: { $in: pupilIds } }).lean<ConsentRecord[]>();
    const byPupil = new Map<string, ConsentRecord[]>();
    for (const r of records) byPupil.set(r.pupilId, [...(byPupil.get(r.pupilId) ?? []), r]);
    const tallies = tallyConsents(school, pupils, (id) => latestByKind(byPupil.get(id) ?? []));
    io.out(`${school.name}: ${pupilIds.length} pupil(s) with a linked parent`);
    for (const t of tallies) {
      io.out(`  ${t.kind} — ${t.label}: ${t.given} yes, ${t.refused} no, ${t.withdrawn} withdrawn${t.asked ? `, ${t.noAnswer} no answer` : ''}`);
    }
    return 0;
  });
