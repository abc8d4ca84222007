import { calendarOf } from '../../agreements/academic-year.js';
import type { School } from '../../config/load.js';
import type { Models } from '../../stores.js';
import { earliestDue, unsignedAccounts } from '../../agreements/unsigned.js';
import { localDate, localTime } from '../../agreements/state.js';
import type { CardActionHandler } from '../card-actions.js';
import { CARD_TEXT_MAX, userText } from '../card-text.js';
import { cardMessage, renderCard, type AdaptiveCardJson } from '../cards.js';
import type { CommandContext } from '../commands.js';
import type { Sender } from '../identify.js';
import { messageCard } from './render.js';
import type { AgreementGroupRun } from '../../agreements/group-run-model.js';

// Enough names for a school's staff room; the card stays well under Teams' size limit. The CSV has everyone.
const ADULTS_SHOWN = 60;

const REFUSED = messageCard('Unsigned accounts', 'The list of unsigned accounts is for IT and the DSL team.', 'Ask your DSL if you need it.');

/** IT (named in agreements.unsigned.it, or holding a directory admin role) and the DSL team. */
function mayView(sender: Sender): boolean {
  const { person, school, isDsl } = sender;
  if (!person || !school) return false;
  if (isDsl || (person.adminRoles?.length ?? 0) > 0) return true;
  return Boolean(person.email && school.agreements?.unsigned?.it.includes(person.email));
}

/** Where the school's unsigned-accounts group stands: its last applied sync, or how to set one up. */
async function groupLine(models: Models, school: School): Promise<string> {
  const group = school.agreements?.unsigned?.group;
  if (!group) return 'No access group is kept in step with this list (agreements.unsigned.group in the config).';
  const last = await models.agreementGroupRuns.findOne({ schoolId: school.id, dryRun: false }).sort({ at: -1 }).lean<AgreementGroupRun>();
  if (!last) return `The group ${group} has not been synced yet: lantern agreements unsigned-group --dry-run shows what would change.`;
  return `The group ${group} was last synced ${localTime(last.at, school.timezone)}, approved by ${last.approvedBy ?? 'nobody'}: ${last.adds.length} added, ${last.removes.length} removed.`;
}

/** The unsigned-accounts card: adults by name, pupils counted by class (their names stay in the CSV). */
export async function unsignedCard(models: Models, school: School, now: Date): Promise<AdaptiveCardJson> {
  const accounts = await unsignedAccounts(models, school.id, now, calendarOf(school));
  const adults = accounts.filter((a) => a.role !== 'pupil');
  const pupils = new Map<string, number>();
  for (const a of accounts.filter((x) => x.role === 'pupil')) {
    const label = a.form ? `${a.form} (Year ${a.yearGroup ?? '?'})` : `Year ${a.yearGroup ?? '?'}`;
    pupils.set(label, (pupils.get(label) ?? 0) + 1);
  }
  const pupilCount = accounts.length - adults.length;
  return renderCard('agreement-unsigned', {
    schoolName: school.name,
    asOfLocal: localTime(now, school.timezone),
    summary: accounts.length === 0 ? 'Everyone has signed what they must.' : `${adults.length} adult(s) and ${pupilCount} pupil(s) have not signed what they must.`,
    showAdults: adults.length > 0,
    adultRows: adults.slice(0, ADULTS_SHOWN).map((a) => ({
      name: userText(a.displayName, CARD_TEXT_MAX.short),
      role: a.role,
      owes: userText(a.owes.map((o) => `${o.title} by ${localDate(o.due, school.timezone)}`).join('; '), CARD_TEXT_MAX.line),
      overdueText: earliestDue(a).getTime() < now.getTime() ? ', overdue' : '',
    })),
    moreAdults: Math.max(0, adults.length - ADULTS_SHOWN),
    showPupils: pupils.size > 0,
    pupilRows: [...pupils].sort(([a], [b]) => a.localeCompare(b)).map(([label, count]) => ({ label: userText(label, CARD_TEXT_MAX.short), count })),
    groupLine: userText(await groupLine(models, school), CARD_TEXT_MAX.line),
  });
}

/** Chat command "unsigned accounts": who has not signed what they must, for IT to hold back access. */
export async function sendUnsignedAccounts(ctx: CommandContext): Promise<void> {
  const { school } = ctx.sender;
  if (!ctx.sender.person || !school) {
    await ctx.turn.sendActivity(cardMessage(renderCard('not-recognised', { schoolLabel: school?.name ?? 'your school' })));
    return;
  }
  if (!mayView(ctx.sender)) {
    await ctx.turn.sendActivity(cardMessage(REFUSED));
    return;
  }
  await ctx.turn.sendActivity(cardMessage(await unsignedCard(ctx.models, school, (ctx.clock ?? (() => new Date()))())));
}

/** Refreshes the card. */
const refresh: CardActionHandler = async (ctx) => {
  if (!ctx.sender.school || !mayView(ctx.sender)) return REFUSED;
  return unsignedCard(ctx.models, ctx.sender.school, (ctx.clock ?? (() => new Date()))());
};

/** The unsigned-accounts card's verbs. */
export const UNSIGNED_ACTIONS = { 'agreement.unsigned': refresh } as const satisfies Record<string, CardActionHandler>;
