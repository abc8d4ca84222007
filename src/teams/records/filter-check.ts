import { localDate, localTime } from '../../agreements/state.js';
import type { School } from '../../config/load.js';
import type { Person } from '../../directory/person.js';
import { isLanternError } from '../../errors.js';
import { recordFilterCheck } from '../../records/fnm.js';
import type { FilterCheck } from '../../records/fnm-model.js';
import { recordsSettings } from '../../records/settings.js';
import type { CardActionHandler } from '../card-actions.js';
import { CARD_TEXT_MAX, userText } from '../card-text.js';
import { cardMessage, renderCard, type AdaptiveCardJson } from '../cards.js';
import type { CommandContext } from '../commands.js';
import { messageCard } from '../agreements/render.js';

const DAY = 86_400_000;

/** Who may log filter checks: the DSL team and the school's named filter checkers (usually the IT manager). */
export function mayLogFilterChecks(school: School, person: Pick<Person, 'email'>, isDsl: boolean): boolean {
  return isDsl || (Boolean(person.email) && recordsSettings(school).filterCheckers.includes(person.email ?? ''));
}

function refusal(school: School): AdaptiveCardJson {
  return messageCard('Filter checks', `Filter checks at ${school.name} are logged by the DSL team and the people named in records.filterCheckers.`, 'Ask the IT manager or the DSL if a check needs logging.');
}

async function lastLine(ctx: CommandContext, school: School): Promise<string> {
  const last = await ctx.models.filterChecks.findOne({ schoolId: school.id }).sort({ checkedAt: -1 }).lean<FilterCheck>();
  if (!last) return 'No filter check has been logged yet.';
  return `Last check: ${localDate(last.checkedAt, school.timezone)} by ${last.checkedBy} (${last.result}).`;
}

/** Chat command "filter check": the form to log one, for the DSL team and the named filter checkers. */
export async function sendFilterCheckForm(ctx: CommandContext): Promise<void> {
  const { person, school, isDsl } = ctx.sender;
  if (!person || !school) {
    await ctx.turn.sendActivity(cardMessage(renderCard('not-recognised', { schoolLabel: school?.name ?? 'your school' })));
    return;
  }
  if (!mayLogFilterChecks(school, person, isDsl)) {
    await ctx.turn.sendActivity(cardMessage(refusal(school)));
    return;
  }
  await ctx.turn.sendActivity(cardMessage(renderCard('records-filter-check', { schoolId: school.id, lastLine: userText(await lastLine(ctx, school)) })));
}

/** Stores the check (who, what, result) and answers with the logged check and when the next is due. */
const submit: CardActionHandler = async (ctx) => {
  const { person, school, isDsl } = ctx.sender;
  if (!person || !school) return renderCard('not-recognised', { schoolLabel: school?.name ?? 'your school' });
  if (!mayLogFilterChecks(school, person, isDsl)) return refusal(school);
  const now = (ctx.clock ?? (() => new Date()))();
  let check: FilterCheck;
  try {
    check = await recordFilterCheck(
      ctx.models,
      school.id,
      { tested: typeof ctx.data.tested === 'string' ? ctx.data.tested : undefined, result: typeof ctx.data.result === 'string' ? ctx.data.result : undefined, note: typeof ctx.data.note === 'string' ? ctx.data.note : undefined, by: person.displayName, via: 'teams' },
      now,
    );
  } catch (err) {
    if (!isLanternError(err)) throw err;
    return messageCard('Filter check not logged', err.message, 'Type "filter check" to try again.');
  }
  ctx.log.info({ schoolId: school.id, result: check.result }, 'filter check logged');
  const next = new Date(now.getTime() + recordsSettings(school).filterCheckEveryDays * DAY);
  return renderCard('records-filter-check-done', {
    tested: userText(check.tested, CARD_TEXT_MAX.line),
    resultLabel: check.result === 'pass' ? 'Pass' : 'Fail',
    checkedBy: userText(person.displayName, CARD_TEXT_MAX.short),
    when: localTime(now, school.timezone),
    nextLine: `The next check is due by ${localDate(next, school.timezone)}. Type "filter check" to log another.`,
  });
};

/** The filter-check card's verbs. */
export const RECORDS_CARD_ACTIONS = { 'records.filterCheck': submit } as const satisfies Record<string, CardActionHandler>;
