import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createZip } from '../../src/ops/zip.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `unzip <option> archive [member]`. */
function unzip(zip: Buffer, option: string, member?: string): string {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.zip`);
  writeFileSync(file, zip);
  return execFileSync('unzip', [option, file, ...(member ? [member] : [])], { encoding: 'utf8' });
}

describe('createZip', () => {
  const csv = Buffer.from('case,opened\n'.repeat(500), 'utf8');
  const random = Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 7919) % 251));

  it('writes an archive unzip reads back byte for byte, deflating only what gets smaller', () => {
    const zip = createZip([{ name: 'pack/register.csv', data: csv }, { name: 'pack/Señor’s notes.bin', data: random }]);
    expect(unzip(zip, '-t')).toContain('No errors detected');
    expect(unzip(zip, '-p', 'pack/register.csv')).toBe(csv.toString('utf8'));
    const listing = unzip(zip, '-v');
    expect(listing).toMatch(/Defl:N.*pack\/register\.csv/);
    expect(listing).toMatch(/Stored.*pack\/Se.*notes\.bin/);
    expect(zip.length).toBeLessThan(csv.length);
  });

  it('stamps every file with the time given, and the same files without one give the same bytes', () => {
    const zip = createZip([{ name: 'a.csv', data: csv }], new Date(Date.UTC(2026, 11, 6, 9, 41, 30)));
    expect(unzip(zip, '-l')).toMatch(/2026-12-06 09:41 +a\.csv/);
    expect(createZip([{ name: 'a.csv', data: csv }]).equals(createZip([{ name: 'a.csv', data: csv }]))).toBe(true);
  });
});
