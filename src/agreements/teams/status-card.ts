import type { School } from '../../config/load.js';
import type { Models } from '../../db/models.js';
import type { AdaptiveCardJson } from '../../teams/cards.js';
import { renderCard } from '../../teams/cards.js';
import { complianceFigures } from '../compliance.js';
import { localTime } from '../state.js';

/** The compliance card for the DSL or a policy owner (also the escalation card after the last reminder). */
export async function statusCard(models: Models, school: School, now: Date, options: { campaignIds?: string[] } = {}): Promise<AdaptiveCardJson> {
  const rows = await complianceFigures(models, school.id, now, options);
  const overdueNames = [...new Set(rows.flatMap((r) => r.overdueNames))];
  return renderCard('agreement-status', {
    schoolName: school.name,
    asOfLocal: localTime(now, school.timezone),
    rows: rows
      .filter((r) => !r.group.includes('('))
      .map((r) => ({ ...r, overdueText: r.overdue > 0 ? `, ${r.overdue} overdue` : '' })),
    overdueLine: overdueNames.length > 0 ? `Overdue: ${overdueNames.join(', ')}.` : rows.length > 0 ? 'Nobody is overdue.' : 'No agreements are being collected at the moment.',
  });
}
