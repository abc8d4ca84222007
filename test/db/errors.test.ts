import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBusy, isDuplicateKey, retryBusy, writeRetryDelayMs } from '../../src/db/errors.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';

let conn: Connection;
beforeAll(async () => {
  conn = await connectTestDatabase('dberr');
});
afterAll(async () => dropTestDatabase(conn));

describe('isDuplicateKey', () => {
  it('recognises the server refusing a second document with the same _id', async () => {
    const things = conn.collection('things');
    await things.insertOne({ _id: 'a' as never });
    const err = await things.insertOne({ _id: 'a' as never }).catch((e: unknown) => e);
    expect(isDuplicateKey(err)).toBe(true);
    expect(isDuplicateKey(new Error('E11000 in the text only'))).toBe(false);
    expect(isDuplicateKey(null)).toBe(false);
  });
});

describe('the write retry policy', () => {
  it('waits longer after each lost try, up to a ceiling, with jitter', () => {
    const none = () => 0;
    expect([1, 2, 3, 4, 5, 6, 20].map((n) => writeRetryDelayMs(n, none))).toEqual([20, 40, 80, 160, 320, 320, 320]);
    expect(writeRetryDelayMs(1, () => 0.999)).toBeLessThan(40);
  });

  it('retries a busy write until it goes through, and passes other errors straight on', async () => {
    let tries = 0;
    const written = await retryBusy(async () => {
      tries++;
      if (tries < 3) throw new Error('SQLITE_BUSY: database is locked');
      return 'ok';
    });
    expect(written).toBe('ok');
    expect(tries).toBe(3);
    const duplicate = Object.assign(new Error('E11000 duplicate key'), { code: 11000 });
    let once = 0;
    await expect(retryBusy(async () => {
      once++;
      throw duplicate;
    })).rejects.toBe(duplicate);
    expect(once).toBe(1);
    expect(isBusy(duplicate)).toBe(false);
  });

  it('gives up on a write that stays busy after six tries', async () => {
    let tries = 0;
    await expect(retryBusy(async () => {
      tries++;
      throw new Error('database is locked');
    })).rejects.toThrow('database is locked');
    expect(tries).toBe(6);
  });
});
