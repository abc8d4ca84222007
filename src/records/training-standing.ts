import type { School } from '../config/load.js';
import type { Person } from '../directory/person.js';
import { latestByPersonAndKind, type TrainingStores } from './training.js';
import { TRAINING_KIND_IDS, TRAINING_KINDS, type TrainingKind } from './training-kinds.js';
import type { TrainingRecord } from './training-model.js';

const DAY = 86_400_000;

/** Days ahead in which a training counts as "due soon" in lists and the digest. */
export const DUE_SOON_DAYS = 30;

/** One person's place in a row: their name and, when they have one, the date their training runs out. */
export interface TrainingDueEntry {
  personId: string;
  name: string;
  expiresOn: Date | null;
}

/** How one kind of training stands across the people who need it. */
export interface TrainingRow {
  kind: TrainingKind;
  label: string;
  /** People who need it; for governor cyber training, 1 (at least one governor). */
  required: number;
  /** People whose latest training of this kind is in date now (due-soon included). */
  inDate: number;
  dueSoon: TrainingDueEntry[];
  expired: TrainingDueEntry[];
  missing: TrainingDueEntry[];
  /** Governor cyber training: one trained governor is enough (DfE cyber security standard). */
  atLeastOne: boolean;
}

/** Who needs each kind: staff induction and refresher, the DSL team, governors; cyber needs one governor. */
function needs(kind: TrainingKind, people: readonly Person[], school: School): Person[] {
  const dslEmails = new Set(school.dsl.members.map((m) => m.email));
  switch (TRAINING_KINDS[kind].for) {
    case 'staff':
      return people.filter((p) => p.role === 'staff');
    case 'dsl':
      return people.filter((p) => p.email && dslEmails.has(p.email));
    case 'governor':
      return people.filter((p) => p.role === 'governor');
  }
}

/** The standing of every kind of training at `now`, from the stored records and the directory. */
export function standingFrom(school: School, people: readonly Person[], records: readonly TrainingRecord[], now: Date, soonDays = DUE_SOON_DAYS): TrainingRow[] {
  const latest = latestByPersonAndKind(records);
  const soon = now.getTime() + soonDays * DAY;
  return TRAINING_KIND_IDS.map((kind) => {
    const row: TrainingRow = { kind, label: TRAINING_KINDS[kind].label, required: 0, inDate: 0, dueSoon: [], expired: [], missing: [], atLeastOne: kind === 'governor-cyber' };
    const who = needs(kind, people, school);
    for (const person of who) {
      const r = latest.get(`${person.personId}:${kind}`);
      const entry = { personId: person.personId, name: person.displayName, expiresOn: r?.expiresOn ?? null };
      if (!r) {
        if (!row.atLeastOne) row.missing.push(entry);
      } else if (r.expiresOn && r.expiresOn.getTime() <= now.getTime()) {
        row.expired.push(entry);
      } else {
        row.inDate += 1;
        if (r.expiresOn && r.expiresOn.getTime() <= soon) row.dueSoon.push(entry);
      }
    }
    row.required = row.atLeastOne ? (who.length > 0 ? 1 : 0) : who.length;
    if (row.atLeastOne) row.inDate = Math.min(row.inDate, row.required);
    return row;
  });
}

/** Reads the directory and the records and returns the standing of every kind of training. */
export async function trainingStanding(stores: TrainingStores, school: School, now: Date, soonDays = DUE_SOON_DAYS): Promise<TrainingRow[]> {
  const [people, records] = await Promise.all([
    stores.people.find({ schoolId: school.id, active: true }).lean<Person[]>(),
    stores.trainingRecords.find({ schoolId: school.id }).lean<TrainingRecord[]>(),
  ]);
  return standingFrom(school, people, records, now, soonDays);
}

/** "12 of 14 in date" lines, one per kind, for `lantern agreements status` and `lantern training due`. */
export function standingLines(rows: readonly TrainingRow[]): string[] {
  return rows
    .filter((r) => r.required > 0)
    .map((r) => {
      if (r.atLeastOne) return `  ${r.label.padEnd(44)} ${r.inDate > 0 ? 'a governor is trained and in date' : 'no governor trained or in date'}`;
      const extra = [r.dueSoon.length ? `${r.dueSoon.length} due soon` : '', r.expired.length ? `${r.expired.length} expired` : '', r.missing.length ? `${r.missing.length} not recorded` : ''].filter(Boolean).join(', ');
      return `  ${r.label.padEnd(44)} ${String(r.inDate).padStart(4)} of ${String(r.required).padEnd(4)} in date${extra ? ` (${extra})` : ''}`;
    });
}
