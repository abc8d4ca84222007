import { collectionExists } from '../db/collections.js';
import type { Models } from '../stores.js';
import type { Severity } from './case-model.js';

/** The case collections the weekly read uses. */
export type CasesWeekStores = Pick<Models, 'cases' | 'caseTimeline'>;

/** The figures of one case the digest may show: never its summary, subjects, reporter or assignee. */
export interface CaseFigures {
  caseId: string;
  openedAt: Date;
  status: string;
  severity: string;
  category: string;
  acknowledgedAt: Date | null;
}

/** One school's cases over a window of weeks, for the governors' digest. */
export interface CasesWindow {
  /** False when the school has never had a case. */
  everOpened: boolean;
  /** Cases opened in the window. */
  opened: CaseFigures[];
  /** Cases acknowledged in the window, whenever they were opened. */
  acknowledged: CaseFigures[];
  /** High or critical cases not closed now. */
  openHighOrCritical: CaseFigures[];
  /** Each closure in the window (a reopened case closed twice counts twice), with when its case was opened. */
  closures: { at: Date; openedAt: Date }[];
}

const FIELDS = { caseId: 1, openedAt: 1, createdAt: 1, status: 1, severity: 1, category: 1, acknowledgedAt: 1 } as const;
const HIGH_OR_CRITICAL: Severity[] = ['high', 'critical'];

function figures(doc: { caseId: string; openedAt?: Date | null; createdAt?: Date | null; status: string; severity: string; category: string; acknowledgedAt?: Date | null }): CaseFigures | undefined {
  const openedAt = doc.openedAt ?? doc.createdAt;
  if (!(openedAt instanceof Date)) return undefined;
  return { caseId: doc.caseId, openedAt, status: doc.status, severity: doc.severity, category: doc.category, acknowledgedAt: doc.acknowledgedAt ?? null };
}

function all(docs: Parameters<typeof figures>[0][]): CaseFigures[] {
  return docs.map(figures).filter((c): c is CaseFigures => c !== undefined);
}

/** Reads one school's cases over `window`; undefined when cases have never been stored at all. */
export async function casesWeek(stores: CasesWeekStores, schoolId: string, window: { start: Date; end: Date }): Promise<CasesWindow | undefined> {
  if (!(await collectionExists(stores.cases))) return undefined;
  const everOpened = (await stores.cases.countDocuments({ schoolId }).limit(1)) > 0;
  if (!everOpened) return { everOpened, opened: [], acknowledged: [], openHighOrCritical: [], closures: [] };
  const span = { $gte: window.start, $lt: window.end };
  const [opened, acknowledged, openHighOrCritical, closed] = await Promise.all([
    stores.cases.find({ schoolId, openedAt: span }, FIELDS).lean(),
    stores.cases.find({ schoolId, acknowledgedAt: span }, FIELDS).lean(),
    stores.cases.find({ schoolId, status: { $ne: 'closed' }, severity: { $in: HIGH_OR_CRITICAL } }, FIELDS).lean(),
    stores.caseTimeline.find({ schoolId, action: 'closed', at: span }, { caseId: 1, at: 1 }).lean(),
  ]);
  const ids = [...new Set(closed.map((c) => c.caseId))];
  const openedAt = new Map<string, Date>();
  if (ids.length > 0) for (const c of await stores.cases.find({ schoolId, caseId: { $in: ids } }, { caseId: 1, openedAt: 1 }).lean()) if (c.openedAt) openedAt.set(c.caseId, c.openedAt);
  const closures = closed.flatMap((c) => {
    const from = openedAt.get(c.caseId);
    return from && c.at ? [{ at: c.at, openedAt: from }] : [];
  });
  return { everOpened, opened: all(opened), acknowledged: all(acknowledged), openHighOrCritical: all(openHighOrCritical), closures };
}
