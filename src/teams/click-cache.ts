import type { Person } from '../directory/person.js';
import type { AgreementVersion } from '../agreements/version-model.js';

/** How long a directory person found for a Teams user is reused (a card is opened, read, then signed): a directory change reaches the buttons within this. */
export const PERSON_TTL_MS = 5 * 60_000;
/**
 * How long a case card reuses what it reads of the directory and of the stored installs: the DSL team's own
 * directory entries (names for the card's "assign" list) and the school's team-channel references. Both change
 * rarely and only decide how the card looks and where it is posted, never who may act (that is the school's
 * DSL list in config, checked on every click).
 */
export const CASE_CARD_TTL_MS = 60_000;
// Beyond this many entries the expired ones are dropped (a trust's staff is a few thousand).
const PRUNE_AT = 20_000;

interface Kept<T> {
  value: T;
  at: number;
}

/**
 * What a card click reads that does not change from one click to the next, kept by one instance: the
 * directory person behind a Teams user (for the time the verb allows, PERSON_TTL_MS at most; someone not found
 * is looked up again each time), agreement versions by id (immutable once published), and for case cards the
 * DSL team's directory entries and the school's channel references (CASE_CARD_TTL_MS; an install or removal
 * seen by this instance forgets the references at once). Built once by the bot and shared by its handlers.
 */
export class ClickCache {
  private readonly people = new Map<string, Kept<Person>>();
  private readonly versions = new Map<string, AgreementVersion>();
  private readonly dslPeople = new Map<string, Kept<Person[]>>();
  private readonly channelRefs = new Map<string, Kept<unknown[]>>();
  // Bumped by forgetChannelReferences, so a read begun before an install is not kept after it.
  private generation = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** The active person with this Teams user id in these schools, from the cache (if found within `ttlMs`) or `load`. */
  async person(schoolIds: readonly string[], aadObjectId: string, load: () => Promise<Person | null>, ttlMs = PERSON_TTL_MS): Promise<Person | null> {
    const key = `${schoolIds.join(',')}|${aadObjectId}`;
    const now = this.now();
    const hit = this.people.get(key);
    if (hit && now - hit.at < Math.min(ttlMs, PERSON_TTL_MS)) return hit.value;
    const person = await load();
    if (person) {
      if (this.people.size >= PRUNE_AT) for (const [k, v] of this.people) if (now - v.at >= PERSON_TTL_MS) this.people.delete(k);
      this.people.set(key, { value: person, at: now });
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

  /** A school's DSL team as the directory has them, from the cache (CASE_CARD_TTL_MS) or `load`. */
  dslTeam(schoolId: string, load: () => Promise<Person[]>): Promise<Person[]> {
    return this.kept(this.dslPeople, schoolId, load);
  }

  /** A school's stored team-channel references, from the cache (CASE_CARD_TTL_MS) or `load`. */
  channelReferences<T>(schoolId: string, load: () => Promise<T[]>): Promise<T[]> {
    return this.kept(this.channelRefs as Map<string, Kept<T[]>>, schoolId, load);
  }

  /** Forgets the channel references (Lantern was just installed in, or removed from, a conversation). */
  forgetChannelReferences(): void {
    this.channelRefs.clear();
    this.generation++;
  }

  private async kept<T>(map: Map<string, Kept<T>>, key: string, load: () => Promise<T>): Promise<T> {
    const now = this.now();
    const hit = map.get(key);
    if (hit && now - hit.at < CASE_CARD_TTL_MS) return hit.value;
    const generation = this.generation;
    const value = await load();
    if (generation === this.generation) map.set(key, { value, at: now });
    return value;
  }
}
