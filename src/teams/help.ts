import type { Role } from '../directory/person.js';

/** One line of the help card. */
export interface HelpItem {
  title: string;
  detail: string;
}

const STAFF_ITEMS: readonly HelpItem[] = [
  { title: 'Agreements', detail: 'when the acceptable use agreement or the online-safety policy is issued or changes, I send it to you here to read and sign.' },
  { title: 'Your record', detail: 'each signature is kept as evidence: which version you signed and when.' },
  { title: 'Training', detail: 'once a year I ask you a few questions for the online-safety training self-audit.' },
];

const ROLE_ITEMS: Readonly<Partial<Record<Role, readonly HelpItem[]>>> = {
  staff: STAFF_ITEMS,
  governor: [
    { title: 'Agreements', detail: 'I send you the governor acceptable use agreement to sign each year and whenever it changes.' },
    { title: 'Weekly digest', detail: 'governors receive a short weekly summary: incidents, agreements and whether monitoring is healthy. It never names pupils.' },
  ],
  volunteer: [{ title: 'Agreements', detail: 'I send you the volunteer acceptable use agreement to read and sign.' }],
  visitor: [{ title: 'Agreements', detail: 'I send you the visitor acceptable use agreement to read and sign.' }],
};

const DSL_ITEMS: readonly HelpItem[] = [
  { title: 'Safeguarding cases', detail: "incidents arrive as cards in the DSL team's private channel, where you acknowledge, assign, escalate and close them." },
  { title: 'Monitoring', detail: 'I read the school\'s Microsoft 365 and Google Workspace audit logs for risky sharing, forwarding and account-safety signals.' },
];

const FORM_TEACHER_ITEM: HelpItem = {
  title: 'Your class',
  detail: 'for young pupils you can record the class agreement on their behalf, after going through the rules together. Type "who may not appear" to see which pupils may not be in photos or other uses.',
};

/** The label used in "I know you as …". */
export function roleLabel(role: Role, jobTitle: string | undefined, isDsl: boolean): string {
  if (isDsl) return `a member of the safeguarding (DSL) team${jobTitle ? ` (${jobTitle})` : ''}`;
  if (jobTitle) return `${/^[aeiou]/i.test(jobTitle) ? 'an' : 'a'} ${jobTitle.toLowerCase()}`;
  return role === 'staff' ? 'a member of staff' : `a ${role}`;
}

/** What Lantern does for this person, in the order the help card shows it. */
export function helpItemsFor(person: { role: Role; formsTaught?: readonly string[] | null }, isDsl: boolean): HelpItem[] {
  const items = [...(ROLE_ITEMS[person.role] ?? [])];
  if (person.role === 'staff' && person.formsTaught && person.formsTaught.length > 0) items.push(FORM_TEACHER_ITEM);
  if (isDsl) items.push(...DSL_ITEMS);
  return items;
}
