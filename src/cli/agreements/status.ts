import { calendarOf } from '../../agreements/academic-year.js';
import { complianceCsv, complianceFigures } from '../../agreements/compliance.js';
import { visitorCounts, visitorLine, VISITORS_HEADING } from '../../agreements/visitors.js';
import { classroomStatusLines } from '../../google/classroom/status-lines.js';
import { standingLines, trainingStanding } from '../../records/training-standing.js';
import type { CommandRun } from '../command.js';
import { withCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { statusOptions } from './commands.js';

/** `lantern agreements status`: signed / total by audience, year group and form; overdue names for adults. */
export const showAgreementStatus: CommandRun<typeof statusOptions> = async ({ flags }, io) => {
    return withCommandDatabase(io, { configFile: flags.config }, async (cli) => {
      const school = pickSchool(cli.config, flags.school);
      const rows = (await complianceFigures(cli.models, school.id, new Date(), calendarOf(school))).filter((r) => !flags.policy || r.policyId === flags.policy);
      const visitors = (await visitorCounts(cli.models, school.id, new Date(), calendarOf(school))).filter((v) => !flags.policy || v.policyId === flags.policy);
      if (flags.csv === true) {
        // The compliance export: the same figures, one row per policy and group, for a spreadsheet.
        io.out(complianceCsv(rows, visitors).trimEnd());
        return 0;
      }
      const classroom = await classroomStatusLines(cli.models, school, flags.policy);
      if (rows.length === 0) io.out(`No open agreement campaigns at ${school.name}.`);
      let title = '';
      for (const r of rows) {
        if (r.title !== title) {
          title = r.title;
          io.out(`${r.title} (version ${r.versionNumber})`);
        }
        const pct = r.total > 0 ? Math.round((100 * r.signed) / r.total) : 0;
        io.out(`  ${r.group.padEnd(24)} ${String(r.signed).padStart(4)} of ${String(r.total).padEnd(4)} signed (${pct}%)${r.overdue > 0 ? `, ${r.overdue} overdue` : ''}`);
        if (r.overdueNames.length > 0) io.out(`    overdue: ${r.overdueNames.join(', ')}`);
      }
      // Visitors are in no audience: counted apart, with no total (names: the inspection pack's visitor register).
      if (visitors.length > 0) io.out(VISITORS_HEADING);
      for (const v of visitors) io.out(`  ${visitorLine(v)}`);
      // Pupils sign through Classroom: the per-course figures come from the last stored roster (no Google call).
      for (const line of classroom) io.out(line);
      // Training completion sits beside signing: both are what the school must evidence (names: `lantern training due`).
      if (!flags.policy) {
        io.out('Training records (in date now)');
        for (const line of standingLines(await trainingStanding(cli.models, school, new Date()))) io.out(line);
      }
      return 0;
    });
};
