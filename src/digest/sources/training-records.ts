import type { TrainingRow } from '../../records/training-standing.js';
import { noData, ok, type Section, type TrainingRecordsData } from '../types.js';

/** D2: training records by kind, as counts (names stay with `lantern training due`). */
export function trainingRecordsSection(rows: TrainingRow[] | undefined): Section<TrainingRecordsData> {
  if (!rows) return noData('No training has been recorded yet: record it with `lantern training add`.');
  return ok({
    rows: rows
      .filter((r) => r.required > 0)
      .map((r) => ({ label: r.label, required: r.required, inDate: r.inDate, dueSoon: r.dueSoon.length, expired: r.expired.length, missing: r.missing.length, atLeastOne: r.atLeastOne })),
  });
}
