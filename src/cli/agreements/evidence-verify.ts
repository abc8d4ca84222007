import { verifyChain } from '../../agreements/verify.js';
import { flag, openAgreementsCli, parseFlags, pickSchool } from '../kit/school.js';
import type { CliCommand } from '../command.js';

/** `lantern evidence verify`: checks each school's signature hash chain; exit 1 when anything was tampered with. */
export const evidenceVerifyCommand: CliCommand = {
  summary: 'Check the signature evidence chain: reports edited, inserted and deleted records with their position',
  usage: 'lantern evidence verify [--school ID] [--config FILE]',
  async run(args, io) {
    const { flags } = parseFlags(args, { school: 'value', config: 'value' });
    const cli = await openAgreementsCli(io, flag(flags, 'config'));
    try {
      const schools = flag(flags, 'school') ? [pickSchool(cli.config, flag(flags, 'school'))] : cli.config.schools;
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
      return ok ? 0 : 1;
    } finally {
      await cli.close();
    }
  },
};
