import { dayLabel, invalid } from '../../records/input.js';
import { standingLines, trainingStanding } from '../../records/training-standing.js';
import type { CommandRun } from '../command.js';
import { withCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { trainingDueOptions } from './commands.js';

/** `lantern training due`: the standing of each kind, then everyone expired, running out soon or never recorded. */
export const showTrainingDue: CommandRun<typeof trainingDueOptions> = async ({ flags }, io) => {
  const within = flags.within === undefined ? 30 : Number(flags.within);
  if (!Number.isInteger(within) || within < 0 || within > 366) throw invalid('--within must be a whole number of days from 0 to 366.');
  return withCommandDatabase(io, { configFile: flags.config }, async (cli) => {
    const school = pickSchool(cli.config, flags.school);
    const rows = await trainingStanding(cli.models, school, new Date(), within);
    io.out(`Training at ${school.name}:`);
    for (const line of standingLines(rows)) io.out(line);
    for (const r of rows) {
      const names = [
        ...r.expired.map((e) => `${e.name} (expired ${dayLabel(e.expiresOn)})`),
        ...r.dueSoon.map((e) => `${e.name} (runs out ${dayLabel(e.expiresOn)})`),
        ...r.missing.map((e) => `${e.name} (not recorded)`),
      ];
      if (r.atLeastOne && r.inDate === 0 && r.required > 0) names.push('no governor has in-date cyber security training');
      if (names.length) io.out(`${r.label}: ${names.join(', ')}`);
    }
    return 0;
  });
};
