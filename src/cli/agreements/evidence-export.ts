import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportEvidenceCsv, parseAudienceSpec } from '../../agreements/export.js';
import { ErrorCode, LanternError } from '../../errors.js';
import type { CommandRun } from '../command.js';
import { withCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { exportOptions } from './commands.js';


/** `lantern evidence export`: the signature records for an audience or a person, as CSV. */
export const exportEvidence: CommandRun<typeof exportOptions> = async ({ flags, usage }, io) => {
    const out = flags.out;
    const audienceSpec = flags.audience;
    const personId = flags.person;
    if (!out || (audienceSpec ? 1 : 0) + (personId ? 1 : 0) !== 1) throw new LanternError(ErrorCode.UsageError, `Give exactly one of --audience or --person, and --out.\nUsage: ${usage}`);
    const audience = audienceSpec ? parseAudienceSpec(audienceSpec) : undefined;
    return withCommandDatabase(io, { configFile: flags.config }, async (cli) => {
      const school = pickSchool(cli.config, flags.school);
      const { csv, rows } = await exportEvidenceCsv(cli.models, school, { ...(audience ? { audience } : {}), ...(personId ? { personId } : {}) });
      const file = path.resolve(io.cwd, out);
      writeFileSync(file, csv, 'utf8');
      io.out(`Wrote ${rows} record(s) to ${file}.`);
      return 0;
    });
};
