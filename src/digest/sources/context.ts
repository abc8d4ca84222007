import type { AgreementsWeekStores } from '../../agreements/weekly.js';
import type { CasesWeekStores } from '../../cases/weekly.js';
import type { School } from '../../config/load.js';
import type { MonitoringWeekStores } from '../../monitoring/weekly.js';
import type { ParentsWeekStores } from '../../parents/weekly.js';
import type { RecordsWeekStores } from '../../records/weekly.js';
import type { Models } from '../../stores.js';
import type { WeekRange } from '../week.js';

/** The stores of the capabilities the digest reports on; each is read only through that capability's weekly read. */
export type DigestSourceStores = AgreementsWeekStores & CasesWeekStores & MonitoringWeekStores & RecordsWeekStores & ParentsWeekStores & Pick<Models, 'caseTimeline' | 'agreementSignatures' | 'monitoringChanges' | 'parentConsents'>;

/** What a section reader gets: the capabilities' stores, the school, the week and the 12 weeks before it, and now. */
export interface SourceContext {
  models: DigestSourceStores;
  school: School;
  week: WeekRange;
  /** The 12 weeks ending with `week`, oldest first. */
  trendWeeks: WeekRange[];
  now: Date;
}

/** The median of numbers, or null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Adds one to a count. */
export function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
