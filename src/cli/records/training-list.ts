import { invalid, dayLabel } from '../../records/input.js';
import { findPerson, listTraining } from '../../records/training.js';
import { isTrainingKind, TRAINING_KIND_IDS, TRAINING_KINDS } from '../../records/training-kinds.js';
import type { CommandRun } from '../command.js';
import { withCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { trainingListOptions } from './commands.js';

/** `lantern training list`: every recorded training, newest first. */
export const listTrainingRecords: CommandRun<typeof trainingListOptions> = async ({ flags }, io) =>
  withCommandDatabase(io, { configFile: flags.config }, async (cli) => {
    const school = pickSchool(cli.config, flags.school);
    if (flags.kind !== undefined && !isTrainingKind(flags.kind)) throw invalid(`--kind must be one of: ${TRAINING_KIND_IDS.join(', ')}.`);
    const personId = flags.person ? (await findPerson(cli.models, school.id, flags.person)).personId : undefined;
    const records = await listTraining(cli.models, school.id, { ...(personId ? { personId } : {}), ...(flags.kind && isTrainingKind(flags.kind) ? { kind: flags.kind } : {}) });
    if (records.length === 0) io.out(`No training recorded at ${school.name}${personId || flags.kind ? ' for that filter' : ''}.`);
    for (const r of records) {
      io.out(`${dayLabel(r.completedOn)}  ${r.personName.padEnd(22)} ${TRAINING_KINDS[r.kind].label.padEnd(44)} until ${dayLabel(r.expiresOn).padEnd(10)}  ${r.provider}${r.evidenceUrl ? `  ${r.evidenceUrl}` : ''}  (recorded by ${r.recordedBy})`);
    }
    return 0;
  });
