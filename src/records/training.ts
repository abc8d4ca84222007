import type { School } from '../config/load.js';
import type { Person } from '../directory/person.js';
import type { Models } from '../stores.js';
import { evidenceLink, invalid, optionalText, parseDay, requireText } from './input.js';
import { isTrainingKind, TRAINING_KIND_IDS, TRAINING_KINDS, trainingExpiry, type TrainingKind } from './training-kinds.js';
import type { TrainingRecord } from './training-model.js';

/** The stores training records use. */
export type TrainingStores = Pick<Models, 'trainingRecords' | 'people'>;

/** A training to record, as typed at the command line (strings, checked here). */
export interface TrainingInput {
  /** Email or directory id of the person trained. */
  person: string | undefined;
  kind: string | undefined;
  /** YYYY-MM-DD. */
  completedOn: string | undefined;
  provider: string | undefined;
  evidence?: string | undefined;
  /** Who is recording it. */
  by: string | undefined;
  reason?: string | undefined;
}

/** What recording a training did (or, in a dry run, would do). */
export interface RecordedTraining {
  person: Pick<Person, 'personId' | 'displayName' | 'role'>;
  kind: TrainingKind;
  completedOn: Date;
  expiresOn: Date | null;
  stored: boolean;
}

/** Finds an active person of the school by email or directory id. */
export async function findPerson(stores: Pick<Models, 'people'>, schoolId: string, ref: string): Promise<Person> {
  const key = ref.trim();
  const found = await stores.people.findOne({ schoolId, active: true, $or: [{ email: key.toLowerCase() }, { personId: key }] }).lean<Person>();
  if (!found) throw invalid(`No one in the directory is "${key}": give their school email address or directory id (run \`lantern directory sync\` if they are new).`);
  return found;
}

function fitsKind(kind: TrainingKind, person: Person, school: School): boolean {
  const target = TRAINING_KINDS[kind].for;
  if (target === 'governor') return person.role === 'governor';
  if (target === 'dsl') return school.dsl.members.some((m) => m.email === person.email);
  return person.role !== 'pupil' && person.role !== 'parent';
}

/** Checks and (unless `dryRun`) stores one completed training. Throws RecordInvalid with the fix. */
export async function recordTraining(stores: TrainingStores, school: School, input: TrainingInput, now: Date, dryRun = false): Promise<RecordedTraining> {
  const kindName = input.kind?.trim() ?? '';
  if (!isTrainingKind(kindName)) throw invalid(`The kind of training must be one of: ${TRAINING_KIND_IDS.join(', ')}.`);
  const completedOn = parseDay(input.completedOn, 'The completion date', now);
  const provider = requireText(input.provider, 'The provider (who ran the training)');
  const by = requireText(input.by, 'Who is recording it (--by)');
  const evidenceUrl = evidenceLink(input.evidence);
  const reason = optionalText(input.reason, 'The reason');
  const person = await findPerson(stores, school.id, requireText(input.person, 'The person trained'));
  if (!fitsKind(kindName, person, school)) {
    const who = TRAINING_KINDS[kindName].for === 'dsl' ? 'a member of the DSL team (schools[].dsl.members)' : TRAINING_KINDS[kindName].for === 'governor' ? 'a governor' : 'a member of staff, a governor or a volunteer';
    throw invalid(`${TRAINING_KINDS[kindName].label} is for ${who}; ${person.displayName} is not.`);
  }
  const expiresOn = trainingExpiry(kindName, completedOn);
  if (!dryRun) {
    await stores.trainingRecords.create({
      schoolId: school.id,
      personId: person.personId,
      personName: person.displayName,
      kind: kindName,
      completedOn,
      expiresOn,
      provider,
      ...(evidenceUrl ? { evidenceUrl } : {}),
      recordedBy: by,
      ...(reason ? { reason } : {}),
      recordedAt: now,
    });
  }
  return { person: { personId: person.personId, displayName: person.displayName, role: person.role }, kind: kindName, completedOn, expiresOn, stored: !dryRun };
}

/** A school's training records, newest first, optionally for one person or one kind. */
export async function listTraining(stores: TrainingStores, schoolId: string, filter: { personId?: string; kind?: TrainingKind } = {}): Promise<TrainingRecord[]> {
  return stores.trainingRecords
    .find({ schoolId, ...(filter.personId ? { personId: filter.personId } : {}), ...(filter.kind ? { kind: filter.kind } : {}) })
    .sort({ completedOn: -1 })
    .lean<TrainingRecord[]>();
}

/** The latest record of each person and kind: what counts now (an older certificate is history). */
export function latestByPersonAndKind(records: readonly TrainingRecord[]): Map<string, TrainingRecord> {
  const latest = new Map<string, TrainingRecord>();
  for (const r of records) {
    const key = `${r.personId}:${r.kind}`;
    const seen = latest.get(key);
    if (!seen || r.completedOn > seen.completedOn) latest.set(key, r);
  }
  return latest;
}
