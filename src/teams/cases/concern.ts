import type { CardActionContext } from '../card-actions.js';
import { badCaseDataCard } from './problem-card.js';
import { cardMessage, renderCard, type AdaptiveCardJson } from '../cards.js';
import { userPlain } from '../card-text.js';
import type { CommandContext } from '../commands.js';
import type { Person } from '../../directory/person.js';
import { logAccess } from '../../cases/access.js';
import { whoOf } from './access.js';
import { CATEGORIES, SEVERITIES, type Category, type Severity } from '../../cases/case-model.js';
import { CHANNEL_UNREACHABLE, publishCaseCard } from './channel.js';
import { scheduleEscalation } from '../../cases/escalation-queue.js';
import { CATEGORY_LABEL, formatWhen } from '../../cases/labels.js';
import { NUDE_IMAGES, NUDE_IMAGES_LABEL } from '../../cases/do-not-view.js';
import { openCase } from '../../cases/open.js';
import { caseSettings } from '../../cases/settings.js';
import { readWhen } from '../../cases/when-known.js';


/** Roles that may report a concern (staff, governors and volunteers; pupils and parents speak to a member of staff). */
const REPORTER_ROLES = new Set(['staff', 'governor', 'volunteer']);

/** `report a concern`: sends the concern form, listing the school's pupils to choose from (searchable). */
export async function sendConcernForm(ctx: CommandContext): Promise<void> {
  const { person, school, isDsl } = ctx.sender;
  if (!person || !school || !REPORTER_ROLES.has(person.role)) {
    await ctx.turn.sendActivity(cardMessage(renderCard('not-recognised', { schoolLabel: school?.name ?? 'your school' })));
    return;
  }
  const pupils = await ctx.models.people.find({ schoolId: school.id, role: 'pupil', active: true }).sort({ form: 1, displayName: 1 }).lean<Person[]>();
  const card = renderCard('concern-form', {
    schoolId: school.id,
    isDsl,
    formNote: 'If a child is in immediate danger, call 999 and then tell the DSL in person.',
    pupilChoices: pupils.map((p) => ({ title: userPlain(`${p.displayName}${p.form ? ` (${p.form})` : ''}`), value: p.personId })),
    categoryChoices: [...CATEGORIES.map((c) => ({ title: CATEGORY_LABEL[c], value: c })), { title: NUDE_IMAGES_LABEL, value: NUDE_IMAGES }],
  });
  await ctx.turn.sendActivity(cardMessage(card));
}

function str(data: Readonly<Record<string, unknown>>, key: string): string {
  const value = data[key];
  return typeof value === 'string' ? value.trim() : '';
}


function formAgain(ctx: CardActionContext, message: string): AdaptiveCardJson {
  return renderCard('card-error', { title: 'Your concern was not sent yet', message, next: 'Type **report a concern** to fill in the form again.' });
}

/**
 * The concern form's submit: opens a case (source concern; manual when a DSL member files it), posts it to
 * the DSL channel and answers the reporter with an acknowledgement only, never the case itself.
 */
export async function submitConcern(ctx: CardActionContext): Promise<AdaptiveCardJson> {
  const { person, school, isDsl } = ctx.sender;
  const now = new Date();
  if (!person?.email || !school || !REPORTER_ROLES.has(person.role)) {
    await logAccess(ctx.models, { schoolId: school?.id ?? null, caseId: null, who: whoOf(ctx.sender, ctx.turn.activity.from?.aadObjectId), kind: 'refused', what: 'case.concern.submit: not a member of staff', at: now });
    return renderCard('not-recognised', { schoolLabel: school?.name ?? 'your school' });
  }
  if (str(ctx.data, 'schoolId') && str(ctx.data, 'schoolId') !== school.id) return badCaseDataCard();
  const what = str(ctx.data, 'what');
  if (!what) return formAgain(ctx, 'Please say what happened.');
  if (what.length > 4000) return formAgain(ctx, `What happened is ${what.length} characters long; please keep it under 4,000 (the DSL team can ask you for more).`);
  const chosenCategory = str(ctx.data, 'category');
  const doNotView = chosenCategory === NUDE_IMAGES;
  const category = (doNotView ? 'conduct' : chosenCategory) as Category;
  if (!CATEGORIES.includes(category)) return formAgain(ctx, 'Please choose what kind of concern it is.');
  const requestedSeverity = str(ctx.data, 'severity') as Severity;
  const severity: Severity = isDsl && SEVERITIES.includes(requestedSeverity) ? requestedSeverity : 'medium';
  const chosen = str(ctx.data, 'pupils').split(',').map((s) => s.trim()).filter(Boolean).slice(0, 50);
  const pupils = chosen.length ? await ctx.models.people.find({ schoolId: school.id, role: 'pupil', personId: { $in: chosen } }).lean<Person[]>() : [];
  if (pupils.length !== new Set(chosen).size) return formAgain(ctx, 'One of the pupils you chose is not in the school directory.');
  const childWords = str(ctx.data, 'childWords');
  if (childWords.length > 4000) return formAgain(ctx, `The child's words are ${childWords.length} characters long; please keep them under 4,000.`);
  // Teams sends the date and time as the reporter typed them: the school's clock. A date alone stays a date.
  const when = readWhen(str(ctx.data, 'whenDate'), str(ctx.data, 'whenTime'), school.timezone);
  if (when && when.at.getTime() > now.getTime() + 60 * 60_000) return formAgain(ctx, 'The date you gave is in the future; please check when it happened.');
  const actor = { email: person.email, name: person.displayName };
  const opened = await openCase(
    ctx.models,
    school,
    {
      source: isDsl ? 'manual' : 'concern',
      severity,
      category,
      summary: what,
      where: str(ctx.data, 'where').slice(0, 500),
      involved: str(ctx.data, 'involved').slice(0, 500),
      happenedAt: when?.at ?? null,
      happenedTimeUnknown: when?.timeUnknown ?? false,
      childWords,
      subjects: pupils.map((p) => p.personId),
      reporter: actor,
      by: actor,
      doNotView,
    },
    now,
  );
  ctx.log.info({ schoolId: school.id, number: opened.number, source: isDsl ? 'manual' : 'concern' }, 'case opened from the concern form');
  await scheduleEscalation(ctx.models, { schoolId: school.id, caseId: opened.caseId, severity: opened.state.severity, openedAt: now, afterMinutes: caseSettings(school).escalateAfterMinutes }, ctx.log);
  const deps = { stores: ctx.models, config: ctx.config, sender: ctx.proactive, log: ctx.log, clock: () => new Date() };
  // Never throws: a card that cannot be posted now is queued (and logged by case id) for the flush job.
  const published = await publishCaseCard(deps, school, opened.caseId);
  const reached = published === 'posted' || published === 'updated';
  // The DSL team may see the case, so a member filing it gets its number to find it again; other staff never do.
  const filed = isDsl ? ` It is case ${opened.number}.` : '';
  return renderCard('concern-ack', {
    message: `The safeguarding (DSL) team ${reached ? 'received' : 'will receive'} your report (${formatWhen(now, school.timezone)}).${filed}`,
    next: reached
      ? 'You do not need to do anything else unless the DSL team asks you. Please do not discuss it with the pupils or other staff.'
      : `Lantern could not reach the DSL team's channel just now (${CHANNEL_UNREACHABLE}), so please also tell the DSL in person today. Your report is saved and will be posted as soon as Lantern can.`,
  });
}
