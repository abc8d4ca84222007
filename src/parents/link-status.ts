import type { Models } from '../stores.js';
import type { Person } from '../directory/person.js';
import type { ParentLink } from './link-model.js';
import type { LinkToken } from './token-model.js';

/** The stores these checks read and write. */
export type LinkStatusStores = Pick<Models, 'people' | 'parentLinks' | 'parentLinkTokens' | 'parentTokenUses'>;

/** One parent–child pair, as a link token names it. */
export interface ParentChild {
  schoolId: string;
  parentId: string;
  pupilId: string;
}

type Someone = Pick<Person, 'role' | 'active'> | null | undefined;

/**
 * The rule: the parent may still act for the child while the parent–child link is active, the child is an active
 * pupil, and the parent, when the directory lists them (a MIS or config link may name a parent it does not),
 * has not left.
 */
function current(linkActive: boolean, pupil: Someone, parent: Someone): boolean {
  return linkActive && pupil?.role === 'pupil' && pupil.active && parent?.active !== false;
}

/** True while the parent may still act for the child (see `current`), read from the stores as they are now. */
export async function linkIsCurrent(stores: Omit<LinkStatusStores, 'parentLinkTokens' | 'parentTokenUses'>, who: ParentChild): Promise<boolean> {
  const { schoolId, parentId, pupilId } = who;
  const [link, pupil, parent] = await Promise.all([
    stores.parentLinks.exists({ schoolId, parentId, pupilId, active: true }),
    stores.people.findOne({ schoolId, personId: pupilId }, { role: 1, active: 1 }).lean<Pick<Person, 'role' | 'active'>>(),
    stores.people.findOne({ schoolId, personId: parentId }, { role: 1, active: 1 }).lean<Pick<Person, 'role' | 'active'>>(),
  ]);
  return current(Boolean(link), pupil, parent);
}

/**
 * Revokes every unused, unexpired link of the school whose parent, child or parent–child link is no longer
 * current (see linkIsCurrent); run after a directory or link sync marks anyone inactive. Returns how many.
 */
export async function revokeStaleTokens(stores: LinkStatusStores, schoolId: string, now: Date): Promise<number> {
  const open = await stores.parentLinkTokens
    .find({ schoolId, expiresAt: { $gt: now }, revokedAt: { $exists: false } }, { parentId: 1, pupilId: 1 })
    .lean<(Pick<LinkToken, 'parentId' | 'pupilId'> & { _id: string })[]>();
  if (open.length === 0) return 0;
  const used = new Set((await stores.parentTokenUses.find({ _id: { $in: open.map((t) => t._id) } }, { _id: 1 }).lean<{ _id: string }[]>()).map((u) => u._id));
  const links = new Set((await stores.parentLinks.find({ schoolId, active: true }, { parentId: 1, pupilId: 1 }).lean<Pick<ParentLink, 'parentId' | 'pupilId'>[]>()).map((l) => `${l.parentId}|${l.pupilId}`));
  const people = new Map((await stores.people.find({ schoolId }, { personId: 1, role: 1, active: 1 }).lean<Pick<Person, 'personId' | 'role' | 'active'>[]>()).map((p) => [p.personId, p]));
  const stale = open.filter((t) => !used.has(t._id) && !current(links.has(`${t.parentId}|${t.pupilId}`), people.get(t.pupilId), people.get(t.parentId)));
  if (stale.length === 0) return 0;
  await stores.parentLinkTokens.updateMany({ _id: { $in: stale.map((t) => t._id) } }, { $set: { revokedAt: now } });
  return stale.length;
}
