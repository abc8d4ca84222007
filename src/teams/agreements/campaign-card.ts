import { randomUUID } from 'node:crypto';
import type { School } from '../../config/load.js';
import type { Models } from '../../stores.js';
import type { Person } from '../../directory/person.js';
import { YEAR_GROUPS } from '../../directory/person.js';
import type { CardActionContext, CardActionHandler } from '../card-actions.js';
import { staleCard } from '../stale-card.js';
import type { AdaptiveCardJson } from '../cards.js';
import { cardMessage, renderCard } from '../cards.js';
import type { CommandContext } from '../commands.js';
import type { Audience } from '../../agreements/audience.js';
import { planCampaign } from '../../agreements/campaigns.js';
import { startCampaign } from '../../agreements/start-campaign.js';
import { CARD_ROLES, issuableVersions, parseCampaignForm, readFormValues, type CampaignFormValues } from './campaign-input.js';
import { campaignFacts, planSummary } from './campaign-summary.js';
import { messageCard } from './render.js';

const FORM_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ROLE_LABELS: Record<string, string> = { staff: 'Staff', governor: 'Governors', volunteer: 'Volunteers', visitor: 'Visitors', pupil: 'Pupils' };

function refusal(isDsl: boolean): AdaptiveCardJson {
  if (isDsl) return messageCard('Issue an agreement', 'No agreement has been published yet, so there is nothing to issue.', 'Publish one with "lantern agreements publish", then try again.');
  return messageCard('Issue an agreement', 'Starting an agreement campaign is for the DSL team and the owners of a policy.', 'If a policy should be issued, ask your DSL or the person who owns it.');
}

/** The form, filled with `values` (and the problems with them, when there are any). */
async function formCard(models: Models, school: School, versions: readonly { _id: string; title: string; number: number }[], formId: string, values: CampaignFormValues, errors: readonly string[], now: Date): Promise<AdaptiveCardJson> {
  const pupils = await models.people.find({ schoolId: school.id, role: 'pupil', active: true }).lean<Person[]>();
  const years = YEAR_GROUPS.filter((y) => pupils.some((p) => p.yearGroup === y));
  const forms = [...new Map(pupils.filter((p) => p.form).map((p) => [p.form as string, p.yearGroup])).entries()].sort((a, b) => YEAR_GROUPS.indexOf(a[1] as never) - YEAR_GROUPS.indexOf(b[1] as never));
  return renderCard('agreement-campaign-form', {
    ...values,
    formId,
    errorText: errors.join('\n\n'),
    versionChoices: versions.map((v) => ({ title: `${v.title} (version ${v.number})`, value: v._id })),
    roleChoices: CARD_ROLES.map((r) => ({ title: ROLE_LABELS[r] ?? r, value: r })),
    yearChoices: years.map((y) => ({ title: y === 'R' ? 'Reception' : y === 'N' ? 'Nursery' : `Year ${y}`, value: y })),
    formChoices: forms.map(([form, year]) => ({ title: `${form} (Year ${year ?? '?'})`, value: form })),
    today: now.toISOString().slice(0, 10),
  });
}

/** Chat command "issue agreement": the campaign form, for the DSL team and policy owners. */
export async function sendCampaignForm(ctx: CommandContext): Promise<void> {
  const { person, school } = ctx.sender;
  if (!person || !school) {
    await ctx.turn.sendActivity(cardMessage(renderCard('not-recognised', { schoolLabel: school?.name ?? 'your school' })));
    return;
  }
  const versions = await issuableVersions(ctx.models, ctx.sender);
  if (versions.length === 0) {
    await ctx.turn.sendActivity(cardMessage(refusal(ctx.sender.isDsl)));
    return;
  }
  const now = new Date();
  // With a single policy to offer, start from it and its own audience; otherwise the owner chooses.
  const only = versions.length === 1 ? versions[0] : undefined;
  const audience = (only?.audience ?? {}) as Audience;
  const values: CampaignFormValues = {
    versionId: only?._id ?? '',
    roles: (audience.roles ?? []).filter((r) => (CARD_ROLES as readonly string[]).includes(r)).join(','),
    yearGroups: (audience.yearGroups ?? []).join(','),
    forms: (audience.forms ?? []).join(','),
    people: '',
    due: new Date(now.getTime() + 14 * 86_400_000).toISOString().slice(0, 10),
    reminders: '3,7,14',
    escalate: school.dsl.members[0]?.email ?? '',
  };
  await ctx.turn.sendActivity(cardMessage(await formCard(ctx.models, school, versions, randomUUID(), values, [], now)));
}

type Checked = { ok: false; card: AdaptiveCardJson } | { ok: true; school: School; person: Person; formId: string; values: CampaignFormValues; versions: Awaited<ReturnType<typeof issuableVersions>> };

/** Who pressed, whether they may issue anything, and the card's fields; or the card to answer with. */
async function check(ctx: CardActionContext): Promise<Checked> {
  const { person, school } = ctx.sender;
  if (!person || !school) return { ok: false, card: renderCard('not-recognised', { schoolLabel: school?.name ?? 'your school' }) };
  const formId = typeof ctx.data.formId === 'string' && FORM_ID.test(ctx.data.formId) ? ctx.data.formId : null;
  if (!formId) return { ok: false, card: staleCard('bad-data') };
  // Checked again on every press: a card can be forwarded, and the sender's role can change.
  const versions = await issuableVersions(ctx.models, ctx.sender);
  if (versions.length === 0) return { ok: false, card: refusal(ctx.sender.isDsl) };
  return { ok: true, school, person, formId, values: readFormValues(ctx.data), versions };
}

/** "Preview": the dry run — who would receive what — replacing the form. */
const preview: CardActionHandler = async (ctx) => {
  const c = await check(ctx);
  if (!c.ok) return c.card;
  const now = new Date();
  const parsed = await parseCampaignForm(ctx.models, c.school, c.person, c.versions, c.values, now);
  if (!parsed.ok) return formCard(ctx.models, c.school, c.versions, c.formId, c.values, parsed.errors, now);
  const plan = await planCampaign(ctx.models, parsed.request, now);
  return renderCard('agreement-campaign-preview', {
    ...c.values,
    formId: c.formId,
    title: `${parsed.version.title} (version ${parsed.version.number})`,
    facts: campaignFacts(parsed.request, parsed.escalateName, c.school.timezone),
    ...planSummary(plan),
  });
};

/** "Change": the form again with the values of the preview. */
const edit: CardActionHandler = async (ctx) => {
  const c = await check(ctx);
  if (!c.ok) return c.card;
  return formCard(ctx.models, c.school, c.versions, c.formId, c.values, [], new Date());
};

/** "Start": issues the campaign once (its key is the form's id, so a double click finds the first one). */
const start: CardActionHandler = async (ctx) => {
  const c = await check(ctx);
  if (!c.ok) return c.card;
  const now = new Date();
  const parsed = await parseCampaignForm(ctx.models, c.school, c.person, c.versions, c.values, now);
  if (!parsed.ok) return formCard(ctx.models, c.school, c.versions, c.formId, c.values, parsed.errors, now);
  const result = await startCampaign(ctx.models, { ...parsed.request, key: `card-${c.formId}` }, now);
  ctx.log.info({ campaignId: result.campaign._id, created: result.created, queued: result.queued }, 'agreement campaign started from Teams');
  const teacher = result.plan.recipients.filter((r) => r.via === 'teacher').length;
  return renderCard('agreement-campaign-started', {
    heading: result.created ? 'Campaign started' : 'This campaign had already been started',
    title: `${parsed.version.title} (version ${parsed.version.number})`,
    facts: campaignFacts({ ...parsed.request, audience: result.campaign.audience as never, dueAt: new Date(result.campaign.dueAt) }, parsed.escalateName, c.school.timezone),
    outcome:
      `${result.queued} card(s) queued: Lantern sends them in the next few minutes. ${result.unreachable} ${result.unreachable === 1 ? 'person is' : 'people are'} not reachable — Lantern not installed for them.` +
      (teacher ? ` ${teacher} pupil(s) are signed for by their teacher in class ("class agreement").` : ''),
  });
};

/** The campaign card's verbs. */
export const CAMPAIGN_ACTIONS = {
  'agreement.campaign-preview': preview,
  'agreement.campaign-edit': edit,
  'agreement.campaign-start': start,
} as const satisfies Record<string, CardActionHandler>;
