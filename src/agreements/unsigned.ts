import type { SchoolCalendar } from './academic-year.js';
import type { Models } from '../stores.js';
import type { Role } from '../directory/person.js';
import { policyStandings } from './compliance.js';

/** An agreement a person must sign and has not. */
export interface OwedAgreement {
  policyId: string;
  title: string;
  versionNumber: number;
  /** The person's own sign-by date. */
  due: Date;
}

/** An account that has not signed every agreement the school requires of it (sign before access). */
export interface UnsignedAccount {
  personId: string;
  email: string | undefined;
  displayName: string;
  role: Role;
  yearGroup: string | undefined;
  form: string | undefined;
  /** Microsoft Entra object id, when the directory gives one. */
  aadObjectId: string | undefined;
  owes: OwedAgreement[];
}

/**
 * Everyone who must sign an agreement and has not: the audiences of the open campaigns of each agreement
 * (not consents, which parents give, nor the training questionnaire), less those whose signature counts.
 * Sorted by role, then name.
 */
export async function unsignedAccounts(models: Models, schoolId: string, now: Date, calendar: SchoolCalendar): Promise<UnsignedAccount[]> {
  const byPerson = new Map<string, UnsignedAccount>();
  for (const { version, people, done, dueOf } of await policyStandings(models, schoolId, now, calendar)) {
    if (version.kind !== 'agreement') continue;
    for (const p of people) {
      if (done.has(p.personId)) continue;
      const account = byPerson.get(p.personId) ?? {
        personId: p.personId,
        email: p.email ?? undefined,
        displayName: p.displayName,
        role: p.role,
        yearGroup: p.yearGroup ?? undefined,
        form: p.form ?? undefined,
        aadObjectId: p.aadObjectId ?? undefined,
        owes: [],
      };
      account.owes.push({ policyId: version.policyId, title: version.title, versionNumber: version.number, due: dueOf(p.personId) });
      byPerson.set(p.personId, account);
    }
  }
  return [...byPerson.values()].sort((a, b) => a.role.localeCompare(b.role) || a.displayName.localeCompare(b.displayName) || a.personId.localeCompare(b.personId));
}

/** Column headings of the unsigned-accounts export. */
export const UNSIGNED_COLUMNS = ['personId', 'email', 'name', 'role', 'yearGroup', 'form', 'policies', 'earliestDue'] as const;

/** The unsigned accounts as CSV for IT (`lantern agreements unsigned --csv`): one row per account, its policies `;`-separated. */
export function unsignedCsv(accounts: readonly UnsignedAccount[]): string {
  // A leading =, +, - or @ would run as a formula in a spreadsheet: prefix it with an apostrophe.
  const cell = (v: string) => {
    const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
    return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const lines = accounts.map((a) =>
    [
      a.personId,
      a.email ?? '',
      a.displayName,
      a.role,
      a.yearGroup ?? '',
      a.form ?? '',
      a.owes.map((o) => o.policyId).join(';'),
      earliestDue(a).toISOString().slice(0, 10),
    ]
      .map(cell)
      .join(','),
  );
  return `${[UNSIGNED_COLUMNS.join(','), ...lines].join('\n')}\n`;
}

/** The earliest sign-by date among what the account owes. */
export function earliestDue(account: UnsignedAccount): Date {
  return new Date(Math.min(...account.owes.map((o) => o.due.getTime())));
}
