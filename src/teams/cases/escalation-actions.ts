import { applyCommand } from '../../cases/act.js';
import { logAccess } from '../../cases/access.js';
import { escalationLadder } from '../../cases/escalation.js';
import { formatWhen } from '../../cases/labels.js';
import type { CardActionHandler } from '../card-actions.js';
import { renderCard } from '../cards.js';
import { refusedCard, whoOf } from './access.js';
import { channelDeps } from './card-actions.js';
import { publishCaseCard } from './channel.js';
import { badCaseDataCard } from './problem-card.js';

const CASE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * "Acknowledge" on the escalation card: anyone the ladder may tell (the DSL team, the head, the out-of-hours
 * contact) acknowledges the case, which stops the ladder. The answer says so without showing the case:
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
    const result = await applyCommand(ctx.models, school.id, caseId, { email, name: person.displayName }, { kind: 'acknowledge' }, deps.clock);
    if (result.ok) void publishCaseCard(deps, school, caseId, undefined).catch(() => undefined);
    const doc = result.loaded?.doc;
    const acknowledged = result.ok ? `You acknowledged case ${doc?.number ?? ''} at ${formatWhen(now, school.timezone)}.` : `Case ${doc?.number ?? ''} was already acknowledged${doc?.acknowledgedAt ? ` at ${formatWhen(doc.acknowledgedAt, school.timezone)}` : ''}.`;
    return renderCard('case-escalation-done', {
      title: 'Acknowledged — the escalation stops here',
      message: `${acknowledged} Nobody further up the escalation ladder will be told.`,
      next: 'The DSL team sees who acknowledged it on the case card.',
    });
  },
};
