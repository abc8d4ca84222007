import { verifyChain } from '../../agreements/verify.js';
import type { CommandRun } from '../command.js';
import { withCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { verifyOptions } from './commands.js';
import { sealNote } from '../integrity/seal-note.js';

/** `lantern evidence verify`: checks each school's signature hash chain; exit 1 when anything was tampered with. */
export const verifyEvidence: CommandRun<typeof verifyOptions> = async ({ flags }, io) => {
    return withCommandDatabase(io, { configFile: flags.config }, async (cli) => {
      const schools = flags.school ? [pickSchool(cli.config, flags.school)] : cli.config.schools;
      let ok = true;
      for (const school of schools) {
        const report = await verifyChain(cli.models, school.id);
        if (report.ok) {
          io.out(`✓ ${school.id}: ${report.records} signature record(s), chain intact.`);
          continue;
        }
        ok = false;
        io.out(`✗ ${school.id}: ${report.records} record(s), ${report.issues.length} problem(s):`);
        for (const issue of report.issues) io.out(`  [${issue.kind}] at ${issue.seq}: ${issue.detail}`);
      }
      io.out(sealNote(cli.models.integrity));
      return ok ? 0 : 1;
    });
};
