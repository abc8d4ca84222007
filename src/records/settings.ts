import type { School } from '../config/load.js';

/** A school's records settings with their defaults filled in. */
export interface RecordsSettings {
  trainingReminderDays: readonly number[];
  filterCheckEveryDays: number;
  filterCheckers: readonly string[];
}

const DEFAULTS: RecordsSettings = { trainingReminderDays: [30, 7], filterCheckEveryDays: 31, filterCheckers: [] };

/** The school's `records` settings, or the defaults when the block is absent. */
export function recordsSettings(school: Pick<School, 'records'>): RecordsSettings {
  return school.records ?? DEFAULTS;
}
