import { SEVERITIES, type Family, type Severity } from './types.js';

/** One step up (low → medium → high → critical); critical stays critical. */
export function raiseSeverity(severity: Severity): Severity {
  const i = SEVERITIES.indexOf(severity);
  return SEVERITIES[Math.min(i + 1, SEVERITIES.length - 1)] ?? 'critical';
}

/** The higher of two severities. */
export function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITIES.indexOf(a) >= SEVERITIES.indexOf(b) ? a : b;
}

/** What about a detection involves pupils; any of these raises the rule's severity by one step. */
export interface PupilInvolvement {
  /** A pupil did it. */
  pupilActor: boolean;
  /** A pupil's account was the target (recipient, grantee, account changed). */
  pupilTarget: boolean;
  /** The file's title looked like pupil data (class list, SEN register, reports…). */
  pupilData: boolean;
}

/** The severity a detection gets: the rule's own, raised one step when pupils are involved. */
export function severityFor(base: Severity, involvement: PupilInvolvement): Severity {
  return involvement.pupilActor || involvement.pupilTarget || involvement.pupilData ? raiseSeverity(base) : base;
}

/** Families about the safety of an account: on an admin account these matter more (the keys to the whole school). */
export const ACCOUNT_SAFETY_FAMILIES: readonly Family[] = ['account.mfa_disabled', 'account.compromise_signal', 'account.privilege_grant'];

/** The lowest severity an account-safety detection on an admin account may have. */
export const ADMIN_ACCOUNT_MIN_SEVERITY: Severity = 'high';

/** An account-safety detection on an admin account: one step up, and never below ADMIN_ACCOUNT_MIN_SEVERITY. */
export function severityForAdmin(severity: Severity): Severity {
  return maxSeverity(raiseSeverity(severity), ADMIN_ACCOUNT_MIN_SEVERITY);
}
