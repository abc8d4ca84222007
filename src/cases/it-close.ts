import type { School } from '../config/load.js';
import { retryBusy } from '../db/errors.js';
import { loadItMatter } from './it-matters.js';
import { MAX_TEXT } from './transitions.js';
import type { Actor } from './timeline-model.js';

/** How closing an IT matter ended. */
export type CloseItMatterResult = { ok: true; number: string } | { ok: false; reason: string };

/**
 * Closes an open IT matter for the IT team, recording who closed it, when and why. A matter sent to the DSL
 * is theirs now and cannot be closed here; the status check in the update makes a second close a no-op.
 */
export async function closeItMatter(stores: Parameters<typeof loadItMatter>[0], school: School, matterId: string, by: Actor, reason: string, now: Date): Promise<CloseItMatterResult> {
  const why = reason.trim();
  if (!why) return { ok: false, reason: 'Please say why you are closing it (for example: the role change was expected).' };
  if (why.length > MAX_TEXT) return { ok: false, reason: `That reason is ${why.length} characters long; please keep it under ${MAX_TEXT}.` };
  const matter = await loadItMatter(stores, school.id, matterId);
  if (!matter) return { ok: false, reason: 'Lantern cannot find this IT matter for your school.' };
  if (matter.status === 'sent-to-dsl') return { ok: false, reason: `This was sent to the DSL as ${matter.sentToDsl?.number ?? 'a case'}; the DSL team closes it there.` };
  if (matter.status === 'closed') return { ok: false, reason: `This was already closed by ${matter.closed?.by?.name ?? 'someone'}.` };
  const res = await retryBusy(() => stores.itMatters.updateOne(
    { schoolId: school.id, matterId, status: 'open' },
    { $set: { status: 'closed', closed: { by: { email: by.email, name: by.name }, at: now, reason: why } } },
  ));
  if (res.modifiedCount === 0) return { ok: false, reason: 'Someone changed this IT matter just now; reload the page to see it.' };
  return { ok: true, number: matter.number };
}
