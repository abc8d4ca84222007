import { recordTraining } from '../../records/training.js';
import { dayLabel } from '../../records/input.js';
import { TRAINING_KINDS } from '../../records/training-kinds.js';
import type { CommandRun } from '../command.js';
import { withCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { trainingAddOptions } from './commands.js';

/** `lantern training add`: records one completed training (who recorded it and why are kept with it). */
export const addTraining: CommandRun<typeof trainingAddOptions> = async ({ flags }, io) =>
  withCommandDatabase(io, { configFile: flags.config }, async (cli) => {
    const school = pickSchool(cli.config, flags.school);
    const dryRun = flags['dry-run'] === true;
    const done = await recordTraining(
      cli.models,
      school,
      { person: flags.person, kind: flags.kind, completedOn: flags.date, provider: flags.provider, evidence: flags.evidence, by: flags.by, reason: flags.reason },
      new Date(),
      dryRun,
    );
    const expiry = done.expiresOn ? `in date until ${dayLabel(done.expiresOn)}` : 'does not run out';
    io.out(`${dryRun ? 'Dry run — nothing recorded: would record' : 'Recorded'} ${TRAINING_KINDS[done.kind].label} for ${done.person.displayName} on ${dayLabel(done.completedOn)}; ${expiry}.`);
    return 0;
  });
