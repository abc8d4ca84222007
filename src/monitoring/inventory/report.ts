import type { Models } from '../../stores.js';
import { PRIORITIES, SHARING_KINDS, type Priority, type SharingKind } from './types.js';

/** One line of the report's top list: ids, owner and why it ranks where it does; never a title. */
export interface ReportItem {
  itemId: string;
  source: string;
  owner: string;
  kinds: string[];
  outsideDomains: string[];
  priority: string;
  score: number;
  pupilDataLikely: boolean;
  ownerIsPupil: boolean;
  sharedWithPupils: boolean;
  mimeCategory: string;
  modifiedAt?: string;
}

/** What a run found: counts by kind and by priority, and the highest-ranked files. */
export interface InventoryReport {
  runIds: string[];
  exposed: number;
  byKind: Record<SharingKind, number>;
  byPriority: Record<Priority, number>;
  pupilDataLikely: number;
  ownedByPupils: number;
  top: ReportItem[];
}

/** Builds the report of some runs from what they stored. */
export async function inventoryReport(models: Pick<Models, 'inventoryItems'>, runIds: readonly string[], topN = 20): Promise<InventoryReport> {
  const items = await models.inventoryItems.find({ runId: { $in: [...runIds] } }).lean();
  const byKind = Object.fromEntries(SHARING_KINDS.map((k) => [k, 0])) as Record<SharingKind, number>;
  const byPriority = Object.fromEntries(PRIORITIES.map((p) => [p, 0])) as Record<Priority, number>;
  for (const i of items) {
    for (const k of i.kinds) if (k in byKind) byKind[k as SharingKind]++;
    byPriority[i.priority]++;
  }
  const ranked = [...items].sort((a, b) => b.score - a.score || (b.modifiedAt?.getTime() ?? 0) - (a.modifiedAt?.getTime() ?? 0));
  return {
    runIds: [...runIds],
    exposed: items.length,
    byKind,
    byPriority,
    pupilDataLikely: items.filter((i) => i.pupilDataLikely).length,
    ownedByPupils: items.filter((i) => i.ownerIsPupil).length,
    top: ranked.slice(0, topN).map((i) => ({
      itemId: String(i._id),
      source: i.source,
      owner: i.owner,
      kinds: i.kinds,
      outsideDomains: [...new Set(i.shares.flatMap((s) => (s.domain ? [s.domain] : [])))],
      priority: i.priority,
      score: i.score,
      pupilDataLikely: i.pupilDataLikely,
      ownerIsPupil: i.ownerIsPupil,
      sharedWithPupils: i.sharedWithPupils,
      mimeCategory: i.mimeCategory,
      ...(i.modifiedAt ? { modifiedAt: i.modifiedAt.toISOString().slice(0, 10) } : {}),
    })),
  };
}
