import type { Models } from '../stores.js';
import { addWeeks, formatIsoWeek, parseIsoWeek, type IsoWeek } from './week.js';

/** How far back a digest run looks for weeks that were never sent (the server was down on their Monday). */
export const CATCH_UP_WEEKS = 8;

/**
 * The weeks before `week` that should have had a digest but have no send record, oldest first. Only weeks
 * after the scope's first recorded digest count, so enabling the digest does not send a backlog of old weeks.
 */
export async function missedWeeks(models: Models, scope: string, week: IsoWeek): Promise<IsoWeek[]> {
  const first = await models.digestSends.find({ scope }).sort({ weekId: 1 }).limit(1).lean();
  const firstWeekId = first[0]?.weekId;
  if (!firstWeekId) return [];
  const candidates = Array.from({ length: CATCH_UP_WEEKS }, (_, i) => formatIsoWeek(addWeeks(week, i - CATCH_UP_WEEKS))).filter((id) => id > firstWeekId);
  if (candidates.length === 0) return [];
  const existing = new Set((await models.digestSends.find({ scope, weekId: { $in: candidates } }).lean()).map((d) => d.weekId));
  return candidates.filter((id) => !existing.has(id)).map(parseIsoWeek);
}
