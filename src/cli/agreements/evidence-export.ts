import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportEvidenceCsv, parseAudienceSpec } from '../../agreements/export.js';
import { ErrorCode, LanternError } from '../../errors.js';
import { flag, openAgreementsCli, parseFlags, pickSchool } from '../kit/school.js';
import type { CliCommand } from '../command.js';

const USAGE = 'lantern evidence export (--audience staff|year:1|form:Robins | --person ID) --out FILE.csv [--school ID] [--config FILE]';

/** `lantern evidence export`: the signature records for an audience or a person, as CSV. */
export const evidenceExportCommand: CliCommand = {
  summary: 'Write the signature evidence for an audience or one person to a CSV file',
  usage: USAGE,
  async run(args, io) {
    const { flags } = parseFlags(args, { audience: 'value', person: 'value', out: 'value', school: 'value', config: 'value' });
    const out = flag(flags, 'out');
    const audienceSpec = flag(flags, 'audience');
    const personId = flag(flags, 'person');
    if (!out || (audienceSpec ? 1 : 0) + (personId ? 1 : 0) !== 1) throw new LanternError(ErrorCode.UsageError, `Give exactly one of --audience or --person, and --out.\nUsage: ${USAGE}`);
    const audience = audienceSpec ? parseAudienceSpec(audienceSpec) : undefined;
    const cli = await openAgreementsCli(io, flag(flags, 'config'));
    try {
      const school = pickSchool(cli.config, flag(flags, 'school'));
      const { csv, rows } = await exportEvidenceCsv(cli.models, school, { ...(audience ? { audience } : {}), ...(personId ? { personId } : {}) });
      const file = path.resolve(io.cwd, out);
      writeFileSync(file, csv, 'utf8');
      io.out(`Wrote ${rows} record(s) to ${file}.`);
      return 0;
    } finally {
      await cli.close();
    }
  },
};
