import type { School } from '../../config/load.js';
import type { Models } from '../../stores.js';
import { YEAR_GROUPS, type Person } from '../../directory/person.js';
import type { Sender } from '../identify.js';
import { resolveAudience, type Audience } from '../../agreements/audience.js';
import type { IssueRequest } from '../../agreements/campaigns.js';
import type { AgreementVersion } from '../../agreements/version-model.js';

/** The roles the card offers (parents sign from an emailed link, not from a campaign card). */
export const CARD_ROLES = ['staff', 'governor', 'volunteer', 'visitor', 'pupil'] as const;

/** The card's fields as the person left them: strings, so the form can be shown again exactly. */
export interface CampaignFormValues {
  versionId: string;
  roles: string;
  yearGroups: string;
  forms: string;
  people: string;
  due: string;
  reminders: string;
  escalate: string;
}

/** Reads the card's fields from an action's data; anything that is not a short string counts as empty. */
export function readFormValues(data: Readonly<Record<string, unknown>>): CampaignFormValues {
  const text = (key: string, max: number) => {
    const v = data[key];
    return typeof v === 'string' ? v.trim().slice(0, max) : '';
  };
  return {
    versionId: text('versionId', 200),
    roles: text('roles', 200),
    yearGroups: text('yearGroups', 200),
    forms: text('forms', 1000),
    people: text('people', 2000),
    due: text('due', 20),
    reminders: text('reminders', 100),
    escalate: text('escalate', 200),
  };
}

/**
 * The current version of each agreement the sender may issue: every one for the DSL team, the ones they own
 * for a policy owner, none for anyone else.
 */
export async function issuableVersions(models: Models, sender: Sender): Promise<AgreementVersion[]> {
  const { person, school, isDsl } = sender;
  if (!person || !school) return [];
  const all = await models.agreementVersions.find({ schoolId: school.id, kind: 'agreement' }).sort({ policyId: 1, number: -1 }).lean<AgreementVersion[]>();
  const latest = new Map<string, AgreementVersion>();
  for (const v of all) if (!latest.has(v.policyId)) latest.set(v.policyId, v);
  return [...latest.values()].filter((v) => isDsl || (person.email && v.ownerEmail.toLowerCase() === person.email.toLowerCase()));
}

const list = (text: string) => text.split(',').map((t) => t.trim()).filter(Boolean);

/** A validated request, or the problems to show on the card. */
export type ParsedCampaign = { ok: true; request: IssueRequest; version: AgreementVersion; escalateName: string | null } | { ok: false; errors: string[] };

/** Checks the card's fields against the directory and the sender's policies, the way a careful colleague would. */
export async function parseCampaignForm(models: Models, school: School, sender: Person, versions: readonly AgreementVersion[], values: CampaignFormValues, now: Date): Promise<ParsedCampaign> {
  const errors: string[] = [];
  const version = versions.find((v) => v._id === values.versionId);
  if (!version) errors.push('Choose a policy from the list: the one given is unknown, has been replaced by a newer version, or is not one you can issue.');

  const roles = list(values.roles);
  const yearGroups = list(values.yearGroups);
  const forms = list(values.forms);
  const people = list(values.people).map((p) => p.toLowerCase());
  const badRoles = roles.filter((r) => !(CARD_ROLES as readonly string[]).includes(r));
  const badYears = yearGroups.filter((y) => !(YEAR_GROUPS as readonly string[]).includes(y));
  if (badRoles.length) errors.push(`Unknown role(s): ${badRoles.join(', ')}.`);
  if (badYears.length) errors.push(`Unknown year group(s): ${badYears.join(', ')}.`);
  const directory = await models.people.find({ schoolId: school.id, active: true }).lean<Person[]>();
  const knownForms = new Set(directory.map((p) => p.form).filter(Boolean));
  const badForms = forms.filter((f) => !knownForms.has(f));
  if (badForms.length) errors.push(`The directory has no form called ${badForms.join(', ')}.`);
  const named = people.map((p) => directory.find((d) => d.email === p || d.personId === p));
  const unknown = people.filter((_, i) => !named[i]);
  if (unknown.length) errors.push(`Not in the school directory: ${unknown.join(', ')}. Use school email addresses.`);
  const audience: Audience = {
    ...(roles.length ? { roles: roles as Audience['roles'] } : {}),
    ...(yearGroups.length ? { yearGroups: yearGroups as Audience['yearGroups'] } : {}),
    ...(forms.length ? { forms } : {}),
    ...(named.some(Boolean) ? { personIds: [...new Set(named.filter((p): p is Person => Boolean(p)).map((p) => p.personId))] } : {}),
  };
  if (!roles.length && !yearGroups.length && !forms.length && !people.length) errors.push('Choose who should sign: at least one role, year group, form or named person.');
  else if (!errors.length && (await resolveAudience(models.people, school.id, audience)).length === 0) errors.push('Nobody in the directory matches that audience: check the roles, year groups and forms together.');

  const dueAt = /^\d{4}-\d{2}-\d{2}$/.test(values.due) ? new Date(`${values.due}T17:00:00Z`) : null;
  if (!dueAt || Number.isNaN(dueAt.getTime())) errors.push('Choose the date it is due.');
  else if (dueAt.getTime() <= now.getTime()) errors.push('The due date is in the past: choose a later date.');

  const reminderDays = list(values.reminders).map(Number);
  if (reminderDays.some((d) => !Number.isInteger(d) || d < 1 || d > 365)) errors.push('Reminders are whole numbers of days after issue, separated by commas, e.g. 3,7,14 (or leave it empty for none).');

  let escalateName: string | null = null;
  if (values.escalate) {
    const target = directory.find((d) => d.email === values.escalate.toLowerCase() && (d.role === 'staff' || d.role === 'governor'));
    if (!target) errors.push(`${values.escalate} is not a member of staff in the school directory: name one by their school email.`);
    else escalateName = target.displayName;
  }
  if (errors.length || !version || !dueAt) return { ok: false, errors };
  return {
    ok: true,
    version,
    escalateName,
    request: {
      schoolId: school.id,
      version,
      audience,
      dueAt,
      reminderDays,
      ...(values.escalate ? { escalateTo: values.escalate.toLowerCase() } : {}),
      createdBy: sender.email ?? sender.personId,
      reason: `Issued in Teams by ${sender.displayName}`,
    },
  };
}
