import { isDuplicateKey, retryBusy } from '../../db/errors.js';
import type { Models } from '../../stores.js';

type FlushModels = Pick<Models, 'inventoryUnits' | 'inventoryItems'>;

/** One page's checkpoint: the unit's next cursor (or done) and its counts. */
export interface UnitCheckpoint {
  _id: string;
  done: boolean;
  cursor?: string;
  files: number;
  exposed: number;
}

const MAX_ITEMS = 1_000;
const MAX_UNITS = 500;
const MAX_DELAY_MS = 250;

/**
 * Writes the pages a run has read in batches, files first and checkpoints after, so a crash between the two only
 * makes a resumed run read those pages again (the files are upserted by `_id`, so nothing is stored twice). On the
 * embedded database every write is a commit; one batch a quarter second instead of several writes a page is what
 * lets the walk run at the APIs' pace rather than the disk's.
 */
export class InventoryFlusher {
  private items: Record<string, unknown>[] = [];
  private units = new Map<string, { done: boolean; cursor?: string; files: number; exposed: number; pages: number }>();
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private failure: unknown;

  constructor(private readonly models: FlushModels) {}

  /** Queues a page; waits only when the queue is full (so readers never run far ahead of the database). */
  async add(items: readonly Record<string, unknown>[], checkpoint: UnitCheckpoint): Promise<void> {
    if (this.failure) throw this.failure;
    this.items.push(...items);
    const u = this.units.get(checkpoint._id) ?? { done: false, files: 0, exposed: 0, pages: 0 };
    this.units.set(checkpoint._id, { done: checkpoint.done, ...(checkpoint.cursor ? { cursor: checkpoint.cursor } : {}), files: u.files + checkpoint.files, exposed: u.exposed + checkpoint.exposed, pages: u.pages + 1 });
    if (this.items.length >= MAX_ITEMS || this.units.size >= MAX_UNITS) await this.flush();
    else this.timer ??= setTimeout(() => void this.flush().catch(() => undefined), MAX_DELAY_MS);
  }

  /** Writes everything queued, after any write under way. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const items = this.items;
    const units = this.units;
    this.items = [];
    this.units = new Map();
    this.writing = this.writing.then(() => this.write(items, units));
    this.writing.catch((err: unknown) => (this.failure ??= err));
    return this.writing;
  }

  private async write(items: Record<string, unknown>[], units: Map<string, { done: boolean; cursor?: string; files: number; exposed: number; pages: number }>): Promise<void> {
    if (items.length) {
      // New files are inserted in one batch; those already stored (a page read again, a later run) are upserted one by one.
      const again: Record<string, unknown>[] = [];
      await retryBusy(() => this.models.inventoryItems.insertMany(items, { ordered: false })).catch((err: unknown) => {
        const failed = (err as { writeErrors?: { index: number; code?: number; err?: { index: number; code?: number } }[] }).writeErrors;
        if (!isDuplicateKey(err) && !failed?.length) throw err;
        for (const w of failed ?? []) {
          const index = w.err?.index ?? w.index;
          if ((w.err?.code ?? w.code) !== 11000) throw err;
          again.push(items[index] as Record<string, unknown>);
        }
      });
      for (const item of again) await retryBusy(() => this.models.inventoryItems.updateOne({ _id: item._id as string }, { $set: item }, { upsert: true }));
    }
    if (units.size) {
      await retryBusy(() =>
        this.models.inventoryUnits.bulkWrite(
          [...units].map(([_id, u]) => ({
            updateOne: {
              filter: { _id },
              update: { $set: { done: u.done, ...(u.done ? {} : { cursor: u.cursor }) }, ...(u.done ? { $unset: { cursor: '' } } : {}), $inc: { pages: u.pages, files: u.files, exposed: u.exposed } },
            },
          })),
          { ordered: true },
        ),
      );
    }
  }
}
