import type { Model } from 'mongoose';
import { ErrorCode, LanternError } from '../errors.js';
import { VULNERABILITY_FLAGS, type Person, type PersonInput, type VulnerabilityFlags } from './person.js';

/** What applying a directory read changed (or, in a dry run, would change). */
export interface DirectoryChanges {
  added: number;
  updated: number;
  unchanged: number;
  /** People inactive before and listed again (they count as joiners for agreements). */
  reactivated: number;
  deactivated: number;
  /** personIds of people added or reactivated. */
  joinerIds: string[];
}

/** Fields every directory source decides. */
const SOURCE_FIELDS = ['email', 'displayName', 'role', 'jobTitle', 'yearGroup', 'form', 'aadObjectId'] as const;
/** Lists some sources give (forms taught, children); compared whole. */
const LISTS = ['formsTaught', 'childrenIds'] as const;
/** Fields a mapping rule decides: absent from the entry means the person no longer has one. */
const CLEARED_WHEN_ABSENT = ['yearGroup', 'form'] as const;

function sameFlags(a: VulnerabilityFlags, b: Person['vulnerability']): boolean {
  return b != null && VULNERABILITY_FLAGS.every((flag) => a[flag] === b[flag]);
}

function changesOf(entry: PersonInput, stored: Person): { set: Record<string, unknown>; unset: Record<string, ''> } {
  const set: Record<string, unknown> = {};
  const unset: Record<string, ''> = {};
  for (const field of SOURCE_FIELDS) {
    const next = entry[field];
    if (next !== undefined && next !== stored[field]) set[field] = next;
  }
  for (const field of CLEARED_WHEN_ABSENT) if (entry[field] === undefined && stored[field] != null) unset[field] = '';
  // Only a source that lists them (the CSV, the demo) changes them; Google and Entra leave them as they are.
  for (const field of LISTS) {
    const next = entry[field];
    if (next !== undefined && JSON.stringify(next) !== JSON.stringify(stored[field] ?? undefined)) set[field] = next;
  }
  // Google and Entra always say which admin roles someone holds ([] for none); other sources leave them alone.
  if (entry.adminRoles !== undefined) {
    const before = stored.adminRoles ?? [];
    if (entry.adminRoles.length === 0 && before.length > 0) unset.adminRoles = '';
    else if (entry.adminRoles.length > 0 && JSON.stringify(entry.adminRoles) !== JSON.stringify(before)) set.adminRoles = entry.adminRoles;
  }
  // Only a MIS gives dates of birth and flags; other sources leave them as they are.
  if (entry.dateOfBirth !== undefined && entry.dateOfBirth.getTime() !== stored.dateOfBirth?.getTime()) set.dateOfBirth = entry.dateOfBirth;
  if (entry.vulnerability === null && stored.vulnerability != null) unset.vulnerability = '';
  if (entry.vulnerability && !sameFlags(entry.vulnerability, stored.vulnerability)) set.vulnerability = entry.vulnerability;
  if (!stored.active) set.active = true;
  return { set, unset };
}

function defined(entry: PersonInput): Record<string, unknown> {
  // No admin roles is stored as none rather than as an empty list; no flags (null) as no field.
  return Object.fromEntries(Object.entries(entry).filter(([k, v]) => v !== undefined && v !== null && !(k === 'adminRoles' && Array.isArray(v) && v.length === 0)));
}

/**
 * Writes a complete directory read: adds new people, updates changed ones, and marks people no longer listed
 * inactive (never deleted: signatures and cases keep pointing at them). An empty read is refused unless the
 * stored directory is empty too, so a source that suddenly returns nobody cannot wipe a school. One write per
 * changed person: FerretDB v1 stalls on bulkWrite upserts that match existing documents.
 */
export async function applyDirectory(people: Model<Person>, schoolId: string, entries: readonly PersonInput[], options: { dryRun?: boolean } = {}): Promise<DirectoryChanges> {
  const stored = new Map((await people.find({ schoolId }).lean<Person[]>()).map((p) => [p.personId, p]));
  const activeBefore = [...stored.values()].filter((p) => p.active).length;
  if (entries.length === 0 && activeBefore > 0) {
    throw new LanternError(
      ErrorCode.DirectorySyncRefused,
      `The directory source returned nobody, so the ${activeBefore} people already stored were kept. Check the mapping rules and the source's permissions, then sync again.`,
    );
  }
  const changes: DirectoryChanges = { added: 0, updated: 0, unchanged: 0, reactivated: 0, deactivated: 0, joinerIds: [] };
  const listed = new Set<string>();
  for (const entry of entries) {
    if (listed.has(entry.personId)) continue; // the first mapping of a person wins
    listed.add(entry.personId);
    const before = stored.get(entry.personId);
    if (!before) {
      changes.added++;
      changes.joinerIds.push(entry.personId);
      if (!options.dryRun) await people.updateOne({ schoolId, personId: entry.personId }, { $set: { ...defined(entry), schoolId, active: true } }, { upsert: true });
      continue;
    }
    const { set, unset } = changesOf(entry, before);
    if (Object.keys(set).length === 0 && Object.keys(unset).length === 0) {
      changes.unchanged++;
      continue;
    }
    if (!before.active) {
      changes.reactivated++;
      changes.joinerIds.push(entry.personId);
    } else changes.updated++;
    if (!options.dryRun) {
      await people.updateOne({ schoolId, personId: entry.personId }, { ...(Object.keys(set).length ? { $set: set } : {}), ...(Object.keys(unset).length ? { $unset: unset } : {}) });
    }
  }
  const leavers = [...stored.values()].filter((p) => p.active && !listed.has(p.personId)).map((p) => p.personId);
  changes.deactivated = leavers.length;
  if (!options.dryRun && leavers.length > 0) {
    await people.updateMany({ schoolId, active: true, personId: { $in: leavers } }, { $set: { active: false } });
  }
  return changes;
}
