import { describeAudience, type Audience } from '../../agreements/audience.js';
import { CARD_TEXT_MAX, userText, type UserText } from '../card-text.js';
import type { CampaignPlan, IssueRequest } from '../../agreements/campaigns.js';
import { localDate } from '../../agreements/state.js';

/** The campaign's terms as card facts: who, by when, reminders, escalation. */
export function campaignFacts(request: Pick<IssueRequest, 'dueAt' | 'reminderDays'> & { audience?: Audience | undefined }, escalateName: string | null, timezone: string): { label: string; value: string }[] {
  const days = [...request.reminderDays].sort((a, b) => a - b);
  const reminders = days.length === 0 ? 'none' : days.length === 1 ? `after ${days[0]} days` : `after ${days.slice(0, -1).join(', ')} and ${days.at(-1)} days`;
  return [
    { label: 'Who', value: request.audience ? describeAudience(request.audience) : 'the policy’s own audience' },
    { label: 'Sign by', value: localDate(request.dueAt, timezone) },
    { label: 'Reminders', value: reminders },
    { label: 'Then tell', value: escalateName ?? 'nobody' },
  ];
}

const GROUP_LABELS: Record<string, string> = { staff: 'staff', governor: 'governors', volunteer: 'volunteers', visitor: 'visitors', parent: 'parents' };

/**
 * The dry run in figures: a line per group (role, or year group for pupils) saying how they sign, and the
 * names of the adults who would get a card, split into reachable and not reachable. Pupils are counted, never named.
 */
export function planSummary(plan: CampaignPlan): { groups: { line: string }[]; reachableCount: number; reachableNames: UserText; unreachableCount: number; unreachableNames: UserText; unreachableColour: string } {
  const groups = new Map<string, { count: number; how: string }>();
  for (const r of plan.recipients) {
    const p = r.person;
    const label = p.role === 'pupil' ? `Year ${p.yearGroup ?? '?'} pupils` : (GROUP_LABELS[p.role] ?? p.role);
    const how = r.via === 'card' ? 'each gets a card in Teams' : r.via === 'teacher' ? 'signed for by their teacher in class' : 'not sent: they sign from an emailed link';
    const g = groups.get(label) ?? { count: 0, how };
    g.count += 1;
    groups.set(label, g);
  }
  const cards = plan.recipients.filter((r) => r.via === 'card');
  const reachable = cards.filter((r) => r.reachable).map((r) => r.person.displayName);
  const unreachable = cards.filter((r) => !r.reachable).map((r) => r.person.displayName);
  return {
    groups: [...groups.entries()].map(([label, g]) => ({ line: `${label}: ${g.count}, ${g.how}` })),
    reachableCount: reachable.length,
    reachableNames: userText(reachable.join(', ') || 'nobody', CARD_TEXT_MAX.long),
    unreachableCount: unreachable.length,
    unreachableNames: userText(unreachable.join(', ') || 'nobody', CARD_TEXT_MAX.long),
    unreachableColour: unreachable.length > 0 ? 'Attention' : 'Default',
  };
}
