import { CasesSettingsSchema, RemediationSettingsSchema } from '../config/schema.js';
import type { School } from '../config/load.js';

/** A school's case settings with every default filled in (the demo school has none in its file). */
export function caseSettings(school: School) {
  return CasesSettingsSchema.parse(school.cases ?? {});
}

/** Whether a school has turned remediation (B6) on; off by default. */
export function remediationEnabled(school: School): boolean {
  return RemediationSettingsSchema.parse(school.remediation ?? {}).enabled;
}

/** The case settings type. */
export type CaseSettings = ReturnType<typeof caseSettings>;
