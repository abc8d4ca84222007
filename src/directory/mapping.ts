import type { EntraDirectoryRuleSchema, GoogleDirectoryRuleSchema } from '../config/schema.js';
import type { z } from 'zod';
import type { PersonInput, Role, YearGroup } from './person.js';

/** A Google mapping rule as configured: an OU path or a group email, and who its members are. */
export type GoogleDirectoryRule = z.infer<typeof GoogleDirectoryRuleSchema>;
/** An Entra mapping rule as configured: a group id or display name, and who its members are. */
export type EntraDirectoryRule = z.infer<typeof EntraDirectoryRuleSchema>;

/** What a rule says about the people it matches. */
export interface DirectoryTarget {
  role: Role;
  yearGroup?: YearGroup | undefined;
  form?: string | undefined;
}

function normaliseOu(path: string): string {
  const trimmed = path.trim().replace(/\/+$/, '');
  return (trimmed === '' ? '/' : trimmed).toLowerCase();
}

/** True when `userOu` is `ruleOu` or an OU below it (Google OU paths, compared without case). */
export function orgUnitMatches(ruleOu: string, userOu: string | null | undefined): boolean {
  if (!userOu) return false;
  const rule = normaliseOu(ruleOu);
  const user = normaliseOu(userOu);
  return rule === '/' || user === rule || user.startsWith(`${rule}/`);
}

/** What is known about a Google user when the rules are applied. */
export interface GoogleUserFacts {
  id: string;
  email: string;
  orgUnitPath?: string | null | undefined;
}

/**
 * The first rule (in config order) that matches a Google user: an OU rule by the user's OU path, a group rule
 * by membership (`groupMembers` holds each mapped group's member ids and emails, nested groups included).
 */
export function firstGoogleRule(
  rules: readonly GoogleDirectoryRule[],
  user: GoogleUserFacts,
  groupMembers: ReadonlyMap<string, ReadonlySet<string>>,
): GoogleDirectoryRule | undefined {
  return rules.find((rule) => {
    if (rule.orgUnit !== undefined) return orgUnitMatches(rule.orgUnit, user.orgUnitPath);
    const members = rule.group ? groupMembers.get(rule.group) : undefined;
    return members !== undefined && (members.has(user.id) || members.has(user.email));
  });
}

/** A directory entry from a source identity and the rule that matched it; staff-like roles keep their job title. */
export function personFromRule(identity: { personId: string; email?: string | undefined; displayName: string; jobTitle?: string | null | undefined; aadObjectId?: string | undefined }, target: DirectoryTarget): PersonInput {
  const person: PersonInput = { personId: identity.personId, displayName: identity.displayName, role: target.role };
  if (identity.email) person.email = identity.email.trim().toLowerCase();
  if (target.yearGroup) person.yearGroup = target.yearGroup;
  if (target.form) person.form = target.form;
  // A pupil's job title in Entra is usually blank or a class code; it is not a job.
  if (identity.jobTitle && target.role !== 'pupil') person.jobTitle = identity.jobTitle;
  if (identity.aadObjectId) person.aadObjectId = identity.aadObjectId;
  return person;
}
