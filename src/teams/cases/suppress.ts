import { suppressSimilar } from '../../cases/suppress.js';
import type { AdaptiveCardJson } from '../cards.js';
import type { CaseVerbContext } from './card-actions.js';
import { publishCaseCard, renderChannelCard } from './channel.js';
import { badCaseDataCard } from './problem-card.js';

function str(v: unknown): string {
  return typeof v === 'string' ? v.trim() : '';
}

/** `case.suppress`: reads the DSL's choices, asks the case capability to suppress similar alerts, shows the card. */
export async function suppressFromCase(v: CaseVerbContext): Promise<AdaptiveCardJson> {
  const school = v.ctx.sender.school;
  if (!school) return badCaseDataCard();
  const now = v.deps.clock();
  const data = v.ctx.data;
  const request = { scope: str(data.suppressScope), days: Number(str(data.suppressDays) || '30'), reason: str(data.suppressReason) };
  const outcome = await suppressSimilar({ stores: v.ctx.models, clock: v.deps.clock, log: v.ctx.log }, school.id, v.caseId, v.actor, request);
  if (!outcome.ok) return outcome.loaded ? renderChannelCard(v.ctx.models, school, outcome.loaded, now, outcome.reason || undefined) : badCaseDataCard();
  const card = await renderChannelCard(v.ctx.models, school, outcome.loaded, now, outcome.notice);
  await publishCaseCard(v.deps, school, v.caseId, { loaded: outcome.loaded, card }).catch((err: unknown) => v.ctx.log.warn({ err }, 'could not update the DSL channel card'));
  return card;
}
