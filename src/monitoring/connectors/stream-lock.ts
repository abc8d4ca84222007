import { randomUUID } from 'node:crypto';
import { Schema } from 'mongoose';
import type { Models } from '../../stores.js';
import { isDuplicateKey } from '../../db/errors.js';

/**
 * One poll of a stream at a time (a scheduled poll, a push-triggered poll and a backfill could otherwise
 * interleave their checkpoint writes). The lock is a unique insert, the one operation FerretDB makes atomic;
 * a lock whose holder died expires after its lease and is taken over by deleting exactly that holder's lock.
 */
export const streamLockSchema = new Schema(
  {
    _id: { type: String, required: true },
    owner: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { strict: 'throw', versionKey: false },
);

/** The compiled model. */
export type StreamLockModel = Models['monitorStreamLocks'];

/** A held lock. */
export interface StreamLock {
  /** Pushes the lease out again (long polls call it per page). */
  extend(): Promise<void>;
  release(): Promise<void>;
}

const LEASE_MS = 10 * 60_000;

/** Takes the lock of checkpoint `id`, or returns undefined when another live poll holds it. */
export async function acquireStreamLock(locks: StreamLockModel, id: string, clock: () => Date): Promise<StreamLock | undefined> {
  const owner = randomUUID();
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await locks.create({ _id: id, owner, expiresAt: new Date(clock().getTime() + LEASE_MS) });
      return {
        extend: async () => void (await locks.updateOne({ _id: id, owner }, { $set: { expiresAt: new Date(clock().getTime() + LEASE_MS) } })),
        release: async () => void (await locks.deleteOne({ _id: id, owner })),
      };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const held = await locks.findById(id).lean();
    if (held && held.expiresAt.getTime() > clock().getTime()) return undefined;
    // Expired: remove that holder's lock only (a newer holder's lock has another owner and survives).
    if (held) await locks.deleteOne({ _id: id, owner: held.owner });
  }
  return undefined;
}
