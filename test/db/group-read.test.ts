import { describe, expect, it } from 'vitest';
import { GroupRead } from '../../src/db/group-read.js';

describe('group read', () => {
  it('reads a lone key at once; keys asked for during a read wait and are read together, at most maxKeys at a time', async () => {
    const reads: string[][] = [];
    let release: () => void = () => undefined;
    const group = new GroupRead<string, string>(async (keys) => {
      reads.push(keys);
      if (reads.length === 1) await new Promise<void>((r) => (release = r));
      return keys.map((k) => k.toUpperCase());
    }, 2);
    const first = group.get('a');
    const rest = ['b', 'c', 'd'].map((k) => group.get(k));
    expect(reads).toEqual([['a']]);
    release();
    expect(await Promise.all([first, ...rest])).toEqual(['A', 'B', 'C', 'D']);
    expect(reads).toEqual([['a'], ['b', 'c'], ['d']]);
  });

  it('a key asked for while a read is under way is read again after it (never answered from a read begun before)', async () => {
    let value = 'old';
    let release: () => void = () => undefined;
    const group = new GroupRead<string, string>(async () => {
      const seen = value;
      if (seen === 'old') await new Promise<void>((r) => (release = r));
      return [seen];
    });
    const early = group.get('k');
    value = 'new';
    const late = group.get('k');
    release();
    expect(await early).toBe('old');
    expect(await late).toBe('new');
  });
});
