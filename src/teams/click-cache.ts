import type { Person } from '../directory/person.js';
import type { AgreementVersion } from '../agreements/version-model.js';

/** How long a directory person found for a Teams user is reused (a card is opened, read, then signed): a directory change reaches the buttons within this. */
export const PERSON_TTL_MS = 5 * 60_000;
// Beyond this many entries the expired ones are dropped (a trust's staff is a few thousand).
const PRUNE_AT = 20_000;

/**
 * What a card click reads that does not change from one click to the next, kept by one instance: the
 * directory person behind a Teams user (for PERSON_TTL_MS, and only for the verbs in SENDER_CACHED_VERBS; someone
 * not found is looked up again each time) and agreement versions by id (immutable once published). Built once by
 * the bot and shared by its handlers.
 */
export class ClickCache {
  private readonly people = new Map<string, { person: Person; until: number }>();
  private readonly versions = new Map<string, AgreementVersion>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The active person with this Teams user id in these schools, from the cache or `load`. */
  async person(schoolIds: readonly string[], aadObjectId: string, load: () => Promise<Person | null>): Promise<Person | null> {
    const key = `${schoolIds.join(',')}|${aadObjectId}`;
    const now = this.now();
    const hit = this.people.get(key);
    if (hit && hit.until > now) return hit.person;
    const person = await load();
    if (person) {
      if (this.people.size >= PRUNE_AT) for (const [k, v] of this.people) if (v.until <= now) this.people.delete(k);
      this.people.set(key, { person, until: now + PERSON_TTL_MS });
    } else this.people.delete(key);
    return person;
  }

  /** An agreement version by id, from the cache or `load` (a version never changes once published). */
  async version(versionId: string, load: () => Promise<AgreementVersion | null>): Promise<AgreementVersion | null> {
    const hit = this.versions.get(versionId);
    if (hit) return hit;
    const version = await load();
    if (version) {
      if (this.versions.size >= PRUNE_AT) this.versions.clear();
      this.versions.set(versionId, version);
    }
    return version;
  }
}
