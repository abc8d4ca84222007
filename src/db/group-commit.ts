import { GroupRead } from './group-read.js';

/**
 * Group commit: while one write is on its way to the database, the items that arrive wait and then go
 * together in the next write (a GroupRead whose answer is "stored", with no limit on the group). A lone item is
 * written at once; 100 clicks arriving together cost a few writes, not 100. Each caller's promise settles only
 * when the write holding its item has (so a caller that must not answer before its item is stored still does
 * not), and a failed write fails every caller in it.
 */
export class GroupCommit<T> {
  private readonly group: GroupRead<T, void>;

  constructor(write: (items: T[]) => Promise<void>) {
    this.group = new GroupRead<T, void>(async (items) => {
      await write(items);
      return [];
    }, Infinity);
  }

  /** Writes `item` with whatever else is waiting; resolves once it is stored. */
  add(item: T): Promise<void> {
    return this.group.get(item);
  }
}
