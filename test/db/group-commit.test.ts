import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/db/group-commit.js';

describe('group commit', () => {
  it('writes a lone item at once and groups the items that arrive while a write is on its way', async () => {
    const writes: number[][] = [];
    let release: () => void = () => undefined;
    const group = new GroupCommit<number>(async (items) => {
      writes.push(items);
      if (writes.length === 1) await new Promise<void>((r) => (release = r));
    });
    const first = group.add(1);
    const rest = [2, 3, 4].map((i) => group.add(i));
    expect(writes).toEqual([[1]]);
    release();
    await Promise.all([first, ...rest]);
    expect(writes).toEqual([[1], [2, 3, 4]]);
  });

  it('settles each caller only when its own write has: a failed write fails everyone in it, and only them', async () => {
    let fail = true;
    const group = new GroupCommit<string>(async () => {
      await new Promise((r) => setTimeout(r, 5));
      if (fail) {
        fail = false;
        throw new Error('database gone');
      }
    });
    const first = group.add('a');
    const second = group.add('b');
    const third = group.add('c');
    await expect(first).rejects.toThrow('database gone');
    await expect(Promise.all([second, third])).resolves.toEqual([undefined, undefined]);
  });
});
