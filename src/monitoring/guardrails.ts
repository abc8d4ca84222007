import type { School } from '../config/load.js';
import type { Person } from '../directory/person.js';
import { ErrorCode, LanternError } from '../errors.js';
import type { Models } from '../stores.js';
import type { ChangeAuthor } from './changes.js';
import { isPersonalMailDomain, normaliseDomain } from './domains.js';
import type { Rule } from './rule.js';
import type { RuleSetting } from './settings.js';
import { SEVERITIES } from './types.js';

const rank = (s: (typeof SEVERITIES)[number]): number => SEVERITIES.indexOf(s);

/**
 * Guardrails on monitoring settings (DfE filtering and monitoring standards: changes are deliberate, made by
 * someone accountable, and never quietly blind the DSL). Each throws a coded error saying what to do instead.
 */

/** A consumer webmail domain can never be trusted: it would hide every share with a private individual. */
export function assertTrustableDomain(domain: string): void {
  const d = normaliseDomain(domain);
  if (isPersonalMailDomain(d)) {
    throw new LanternError(
      ErrorCode.UsageError,
      `${d} is a personal mail service, so trusting it would hide every share with a private address (a pupil's work sent to a stranger's ${d} account looks the same as one sent to a parent). Trust the organisation's own domain instead, or suppress one address with \`lantern monitor suppress\`.`,
    );
  }
}

/** A rule that guards children rather than accounts: any category but security, or one that can flag imagery. */
export function isSafeguardingRule(rule: Pick<Rule, 'category' | 'family'>): boolean {
  return rule.category !== 'security' || rule.family.startsWith('content.');
}

/** Whether a setting makes a rule find less: off, a lower severity, or a higher threshold. */
export function weakens(before: RuleSetting | undefined, after: RuleSetting | null, rule: Pick<Rule, 'severity' | 'threshold'>): boolean {
  const was = { enabled: before?.enabled ?? true, severity: before?.severity ?? rule.severity, count: before?.threshold ?? rule.threshold?.count ?? 0 };
  // Resetting to defaults can only weaken a rule the school had made stricter than its defaults.
  const now = after === null ? { enabled: true, severity: rule.severity, count: rule.threshold?.count ?? 0 } : { enabled: after.enabled ?? true, severity: after.severity ?? rule.severity, count: after.threshold ?? rule.threshold?.count ?? 0 };
  return (was.enabled && !now.enabled) || rank(now.severity) < rank(was.severity) || now.count > was.count;
}

/**
 * The person making a change must be an active adult in the school's directory, named by email or exactly by
 * name; returns the author as recorded (their directory name and email).
 */
export async function accountableAuthor(models: Pick<Models, 'people'>, schoolId: string, author: ChangeAuthor): Promise<ChangeAuthor> {
  const who = author.who.trim();
  const query = who.includes('@') ? { email: who.toLowerCase() } : { displayName: who };
  const people = await models.people.find({ schoolId, active: true, role: { $nin: ['pupil', 'parent'] }, ...query }, { displayName: 1, email: 1 }).limit(2).lean<Pick<Person, 'displayName' | 'email'>[]>();
  if (people.length !== 1) {
    throw new LanternError(
      ErrorCode.UsageError,
      people.length === 0
        ? `--by ${who} is not a member of staff in the school's directory: give your school email address. Monitoring changes are recorded against a real person.`
        : `--by ${who} matches more than one person in the directory: give your school email address.`,
    );
  }
  const person = people[0] as Pick<Person, 'displayName' | 'email'>;
  return { ...author, who: person.email ? `${person.displayName} <${person.email}>` : person.displayName };
}

/**
 * Weakening a safeguarding rule needs a member of the DSL team to agree (`--dsl-approval EMAIL`), someone
 * other than the person making the change; returns the approver's email for the record.
 */
export function dslCoApproval(school: Pick<School, 'dsl'>, rule: Rule, approval: string | undefined, by: ChangeAuthor): string {
  const email = approval?.trim().toLowerCase() ?? '';
  const dsl = school.dsl.members.map((m) => m.email.toLowerCase());
  if (!email) {
    throw new LanternError(
      ErrorCode.UsageError,
      `${rule.id} protects children (${rule.category}), so turning it off, lowering its severity or raising its threshold needs a member of the DSL team to agree: add --dsl-approval THEIR-EMAIL.`,
    );
  }
  if (!dsl.includes(email)) throw new LanternError(ErrorCode.UsageError, `--dsl-approval ${email} is not on the DSL team (schools[].dsl.members).`);
  if (by.who.toLowerCase().includes(email)) throw new LanternError(ErrorCode.UsageError, 'The DSL approval must come from someone other than the person making the change.');
  return email;
}
