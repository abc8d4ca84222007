import { applyCommand } from '../../cases/act.js';
import { logAccess } from '../../cases/access.js';
import { escalationLadder, recordEscalationSeen } from '../../cases/escalation.js';
import { formatWhen } from '../../cases/labels.js';
import type { CardActionHandler } from '../card-actions.js';
import { renderCard } from '../cards.js';
import { refusedCard, whoOf } from './access.js';
import { channelDeps } from './card-actions.js';
import { publishCaseCard } from './channel.js';
import { badCaseDataCard } from './problem-card.js';

const CASE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * "Acknowledge" on the escalation card: a member of the DSL team acknowledges the case and becomes its
 * assignee; anyone else the ladder may tell (the head, the out-of-hours contact) records that they saw it.
 * Either stops the ladder. The answer says so without showing the case:
 * only the DSL team reads cases.
 */
export const ESCALATION_CARD_ACTIONS: Readonly<Record<string, CardActionHandler>> = {
  'case.escalation.acknowledge': async (ctx) => {
    const now = new Date();
    const { school, person } = ctx.sender;
    const raw = typeof ctx.data.caseId === 'string' ? ctx.data.caseId : '';
    const caseId = CASE_ID.test(raw) ? raw : null;
    const who = whoOf(ctx.sender, ctx.turn.activity.from?.aadObjectId);
    const email = person?.email;
    const allowed = Boolean(school && email && (school.dsl.members.some((m) => m.email === email) || escalationLadder(school).some((r) => r.email === email)));
    if (!school || !person || !email || !allowed) {
      await logAccess(ctx.models, { schoolId: school?.id ?? null, caseId, who, kind: 'refused', what: `${ctx.verb}: not on the escalation ladder`, at: now });
      return refusedCard(school?.name);
    }
    if (!caseId || !(await ctx.models.cases.exists({ schoolId: school.id, caseId }))) return badCaseDataCard();
    await logAccess(ctx.models, { schoolId: school.id, caseId, who, kind: 'act', what: ctx.verb, at: now });
    const deps = channelDeps(ctx);
    const actor = { email, name: person.displayName };
    // Only the DSL team takes a case; the head or an out-of-hours contact stops the ladder as "seen".
    const onTeam = school.dsl.members.some((m) => m.email === email);
    const result = onTeam ? await applyCommand(ctx.models, school.id, caseId, actor, { kind: 'acknowledge' }, deps.clock) : await recordEscalationSeen(ctx.models, school, caseId, actor, deps.clock);
    if (result.ok) void publishCaseCard(deps, school, caseId, undefined).catch(() => undefined);
    const doc = result.loaded?.doc;
    const done = onTeam ? `You acknowledged case ${doc?.number ?? ''} at ${formatWhen(now, school.timezone)}.` : `You marked case ${doc?.number ?? ''} as seen at ${formatWhen(now, school.timezone)}; it stays with the DSL team.`;
    const already = doc?.acknowledgedAt ? `Case ${doc.number} was already acknowledged at ${formatWhen(doc.acknowledgedAt, school.timezone)}.` : `Case ${doc?.number ?? ''} was already seen${doc?.seenBy?.[0] ? ` by ${(doc.seenBy[0] as { name: string }).name}` : ''}.`;
    return renderCard('case-escalation-done', {
      title: onTeam ? 'Acknowledged — the escalation stops here' : 'Seen — the escalation stops here',
      message: `${result.ok ? done : already} Nobody further up the escalation ladder will be told.`,
      next: onTeam ? 'The DSL team sees who acknowledged it on the case card.' : 'The DSL team sees that you saw it on the case card; a member of the team still takes the case.',
    });
  },
};
