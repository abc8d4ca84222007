import { describe, expect, it } from 'vitest';
import { CASE_CARD_TTL_MS, ClickCache, PERSON_TTL_MS } from '../../src/teams/click-cache.js';
import type { Person } from '../../src/directory/person.js';

const ruth = { schoolId: 'northgate', personId: 'ruth', displayName: 'Ruth Okafor', email: 'r.okafor@northgate.example', role: 'staff', active: true } as unknown as Person;

describe('the click cache', () => {
  it('gives a verb the person found within the time the verb allows, and reads the directory again after it', async () => {
    let now = 0;
    let reads = 0;
    const cache = new ClickCache(() => now);
    const load = async () => (reads++, ruth);
    await cache.person(['northgate'], 'aad', load, PERSON_TTL_MS);
    now = 60_000 - 1;
    await cache.person(['northgate'], 'aad', load, 60_000);
    expect(reads).toBe(1);
    now = 60_000;
    await cache.person(['northgate'], 'aad', load, 60_000);
    expect(reads).toBe(2);
    now += PERSON_TTL_MS - 1;
    await cache.person(['northgate'], 'aad', load, PERSON_TTL_MS);
    expect(reads).toBe(2);
  });

  it('keeps a school\'s channel references a minute, and forgets them at an install even mid-read', async () => {
    let now = 0;
    let reads = 0;
    const cache = new ClickCache(() => now);
    const load = async () => [`ref-${++reads}`];
    expect(await cache.channelReferences('northgate', load)).toEqual(['ref-1']);
    expect(await cache.channelReferences('northgate', load)).toEqual(['ref-1']);
    now = CASE_CARD_TTL_MS;
    expect(await cache.channelReferences('northgate', load)).toEqual(['ref-2']);
    // A read that began before the install must not be kept after it.
    let finish: (v: string[]) => void = () => undefined;
    now = 2 * CASE_CARD_TTL_MS;
    const slow = cache.channelReferences('northgate', () => new Promise<string[]>((r) => (finish = r)));
    cache.forgetChannelReferences();
    finish(['before-the-install']);
    await slow;
    expect(await cache.channelReferences('northgate', load)).toEqual(['ref-3']);
  });
});
