import type { Category } from './case-model.js';
import type { CaseSettings } from './settings.js';

/** When a case may be deleted or anonymised, and why that date. */
export interface RetentionDecision {
  until: Date;
  basis: string;
}

function addYears(date: Date, years: number): Date {
  const d = new Date(date.getTime());
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d;
}

/**
 * The retention date of a case. Child-protection cases (the 4 Cs) are kept until the youngest subject's
 * date of birth + 25 years, then reviewed; when no date of birth is known, the case's opening date plus the
 * school's configured default, and the basis says so. Security-only cases use the shorter "other" period.
 */
export function retentionFor(input: { category: Category; openedAt: Date; datesOfBirth: readonly Date[] }, settings: CaseSettings): RetentionDecision {
  if (input.category === 'security') {
    return { until: addYears(input.openedAt, settings.retentionYearsOther), basis: `Security case: ${settings.retentionYearsOther} years from opening.` };
  }
  if (input.datesOfBirth.length > 0) {
    const youngest = new Date(Math.max(...input.datesOfBirth.map((d) => d.getTime())));
    return { until: addYears(youngest, 25), basis: "Child protection: youngest pupil's date of birth + 25 years, then review." };
  }
  return {
    until: addYears(input.openedAt, settings.retentionYearsWithoutDob),
    basis: `Child protection, date of birth unknown: ${settings.retentionYearsWithoutDob} years from opening (schools[].cases.retentionYearsWithoutDob), then review.`,
  };
}
