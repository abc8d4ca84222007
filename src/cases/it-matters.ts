import { randomUUID } from 'node:crypto';
import type { School } from '../config/load.js';
import type { ItMatterDoc } from './it-model.js';
import type { LinkedDetection } from './state.js';
import type { CaseStores } from './store.js';
import { SEVERITIES, type Category, type Severity } from './case-model.js';
import { retryBusy } from '../db/errors.js';

/** An IT matter as read back, with its ids. */
export type StoredItMatter = ItMatterDoc & { _id: unknown };

/** What opens or joins an IT matter: one detection routed to the IT queue. */
export interface ItMatterInput {
  family: string;
  severity: Severity;
  category: Category;
  summary: string;
  detection: LinkedDetection;
  keys: string[];
}

const rank = (s: Severity) => SEVERITIES.indexOf(s);

/**
 * Joins the detection to an open IT matter about the same item opened within `since`, or opens a new one.
 * IT matters only ever join IT matters: a detection routed here never lands in a DSL case.
 */
export async function openOrJoinItMatter(
  stores: Pick<CaseStores, 'itMatters'>,
  school: School,
  input: ItMatterInput,
  now: Date,
  since: Date,
): Promise<{ outcome: 'it-opened' | 'it-joined'; matterId: string; number: string }> {
  const open = input.keys.length
    ? await stores.itMatters.findOne({ schoolId: school.id, objectKeys: { $in: input.keys }, status: 'open', openedAt: { $gte: since } }).sort({ openedAt: -1 }).lean<StoredItMatter>()
    : null;
  if (open) {
    const severity = rank(input.severity) > rank(open.severity as Severity) ? input.severity : open.severity;
    await retryBusy(() => stores.itMatters.updateOne(
      { schoolId: school.id, matterId: open.matterId },
      { $push: { detections: input.detection }, $addToSet: { objectKeys: { $each: input.keys } }, $set: { severity } },
    ));
    return { outcome: 'it-joined', matterId: open.matterId, number: open.number };
  }
  const matterId = randomUUID();
  const number = `IT-${matterId.slice(0, 8).toUpperCase()}`;
  await retryBusy(() => stores.itMatters.create({
    schoolId: school.id,
    matterId,
    number,
    openedAt: now,
    status: 'open',
    family: input.family,
    severity: input.severity,
    category: input.category,
    summary: input.summary,
    detections: [input.detection],
    objectKeys: input.keys,
  }));
  return { outcome: 'it-opened', matterId, number };
}

/** An IT matter of a school, or undefined (one of another school is "not found"). */
export async function loadItMatter(stores: Pick<CaseStores, 'itMatters'>, schoolId: string, matterId: string): Promise<StoredItMatter | undefined> {
  return (await stores.itMatters.findOne({ schoolId, matterId }).lean<StoredItMatter>()) ?? undefined;
}

/** The newest IT matters of a school (open and sent over), for the IT view. */
export async function listItMatters(stores: Pick<CaseStores, 'itMatters'>, schoolId: string, limit = 100): Promise<StoredItMatter[]> {
  return stores.itMatters.find({ schoolId }).sort({ openedAt: -1 }).limit(limit).lean<StoredItMatter[]>();
}
