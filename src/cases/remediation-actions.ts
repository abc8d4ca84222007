import { renderChannelCard } from './channel.js';
import { badCaseDataCard } from './problem-card.js';
import type { CaseVerbContext } from './card-actions.js';
import { applyCommand } from './act.js';
import { loadCase } from './store.js';
import { remediationEnabled } from './settings.js';
import type { AdaptiveCardJson } from '../teams/cards.js';

/** "Request remediation": records the request on the timeline; performing it is switched off unless the school enables it. */
export async function previewRemediation(v: CaseVerbContext): Promise<AdaptiveCardJson> {
  const school = v.ctx.sender.school;
  if (!school) return badCaseDataCard();
  const remediation = typeof v.ctx.data.remediation === 'string' ? v.ctx.data.remediation.slice(0, 60) : 'unspecified';
  const result = await applyCommand(v.ctx.models, school.id, v.caseId, v.actor, { kind: 'request-remediation', remediation }, v.deps.clock);
  const loaded = result.loaded ?? (await loadCase(v.ctx.models, school.id, v.caseId));
  if (!loaded) return badCaseDataCard();
  const notice = !result.ok
    ? result.reason
    : remediationEnabled(school)
      ? 'Remediation request recorded. Carrying it out from Teams is not available yet: ask your IT manager to make the change.'
      : 'Remediation request recorded. Lantern does not change sharing or mail settings for your school (schools[].remediation.enabled is off): ask your IT manager to make the change.';
  return renderChannelCard(v.ctx.models, school, loaded, v.deps.clock(), notice);
}

/** The second, explicit approval of a remediation; not available until B6 is complete. */
export async function approveRemediation(v: CaseVerbContext): Promise<AdaptiveCardJson> {
  const school = v.ctx.sender.school;
  const loaded = school ? await loadCase(v.ctx.models, school.id, v.caseId) : undefined;
  if (!school || !loaded) return badCaseDataCard();
  return renderChannelCard(v.ctx.models, school, loaded, v.deps.clock(), 'Nothing was changed: carrying out remediation from Teams is not available yet.');
}
