import { calendarOf } from '../../agreements/academic-year.js';
import { earliestDue, unsignedAccounts, unsignedCsv } from '../../agreements/unsigned.js';
import { localDate } from '../../agreements/state.js';
import type { CommandRun } from '../command.js';
import { withCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { unsignedOptions } from './commands.js';

/** `lantern agreements unsigned`: every account that has not signed what the school requires of it, for IT. */
export const showUnsignedAccounts: CommandRun<typeof unsignedOptions> = async ({ flags }, io) => {
  return withCommandDatabase(io, { configFile: flags.config }, async (cli) => {
    const school = pickSchool(cli.config, flags.school);
    const now = new Date();
    const accounts = await unsignedAccounts(cli.models, school.id, now, calendarOf(school));
    if (flags.csv === true) {
      io.out(unsignedCsv(accounts).trimEnd());
      return 0;
    }
    if (accounts.length === 0) {
      io.out(`Everyone at ${school.name} has signed what they must.`);
      return 0;
    }
    io.out(`${accounts.length} account(s) at ${school.name} have not signed what they must:`);
    for (const a of accounts) {
      const where = a.role === 'pupil' ? ` (${a.form ?? `Year ${a.yearGroup ?? '?'}`})` : '';
      const overdue = earliestDue(a).getTime() < now.getTime() ? ', overdue' : '';
      const owes = a.owes.map((o) => `${o.title} by ${localDate(o.due, school.timezone)}`).join('; ');
      io.out(`  ${a.displayName} <${a.email ?? 'no email'}> — ${a.role}${where}: ${owes}${overdue}`);
    }
    return 0;
  });
};
