import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isLanternError } from '../../src/errors.js';
import { byteCapacity, gfMultiply, rsRemainder } from '../../src/web/shared/qr/codewords.js';
import { encodeQr, qrSvg } from '../../src/web/shared/qr/encode.js';
import type { Modules } from '../../src/web/shared/qr/matrix.js';

/** Module grids made once by reference encoders (Project Nayuki qrcodegen, cross-checked with segno and python-qrcode), checked in: see `source`. */
interface Fixture {
  text: string;
  version: number;
  mask: number;
  rows: string[];
}
const fixtures = JSON.parse(readFileSync(new URL('./fixtures/qr-reference.json', import.meta.url), 'utf8')) as { source: string; symbols: Fixture[]; masks: Fixture[] };

function rows(modules: Modules): string[] {
  return modules.map((row) => row.map((dark) => (dark ? '1' : '0')).join(''));
}

/** Remainder of a bit string divided by a generator polynomial over GF(2), worked out here independently. */
function bchRemainder(value: number, generator: number): number {
  const degree = Math.floor(Math.log2(generator));
  let rem = value;
  for (let i = Math.floor(Math.log2(Math.max(rem, 1))); i >= degree; i--) if ((rem >>> i) & 1) rem ^= generator << (i - degree);
  return rem;
}

function readFormat(m: Modules): { first: number; second: number } {
  const size = m.length;
  const at = (x: number, y: number) => (m[y]?.[x] ? 1 : 0);
  let first = 0;
  let second = 0;
  // Bit i of the format information, in the order ISO/IEC 18004 places it around the top-left finder…
  const firstPositions = [[8, 0], [8, 1], [8, 2], [8, 3], [8, 4], [8, 5], [8, 7], [8, 8], [7, 8], [5, 8], [4, 8], [3, 8], [2, 8], [1, 8], [0, 8]];
  // …and split between the other two.
  const secondPositions = [...Array.from({ length: 8 }, (_, i) => [size - 1 - i, 8]), ...Array.from({ length: 7 }, (_, i) => [8, size - 7 + i])];
  firstPositions.forEach(([x, y], i) => (first |= at(x ?? 0, y ?? 0) << i));
  secondPositions.forEach(([x, y], i) => (second |= at(x ?? 0, y ?? 0) << i));
  return { first, second };
}

function hasFinder(m: Modules, left: number, top: number): boolean {
  for (let dy = 0; dy < 7; dy++) {
    for (let dx = 0; dx < 7; dx++) {
      const d = Math.max(Math.abs(dx - 3), Math.abs(dy - 3));
      if (m[top + dy]?.[left + dx] !== (d !== 2)) return false;
    }
  }
  return true;
}

describe('QR code encoder (byte mode, level M, versions 1–10)', () => {
  it.each(fixtures.symbols.map((f) => [`${new TextEncoder().encode(f.text).length} bytes, version ${f.version}`, f] as const))(
    'matches the reference encoder module for module, mask choice included: %s',
    (_name, f) => {
      const code = encodeQr(f.text);
      expect(code.version).toBe(f.version);
      expect(code.mask).toBe(f.mask);
      expect(rows(code.modules)).toEqual(f.rows);
    },
  );

  it.each(fixtures.masks.map((f) => [f.mask, f] as const))('matches the reference with mask %i forced', (mask, f) => {
    expect(rows(encodeQr(f.text, { mask }).modules)).toEqual(f.rows);
  });

  it('has the finder and timing patterns, and format and version information that decode under their BCH codes', () => {
    for (const f of fixtures.symbols) {
      const m = encodeQr(f.text).modules;
      const size = m.length;
      expect(size).toBe(17 + 4 * f.version);
      expect([hasFinder(m, 0, 0), hasFinder(m, size - 7, 0), hasFinder(m, 0, size - 7)]).toEqual([true, true, true]);
      for (let i = 8; i < size - 8; i++) expect([m[6]?.[i], m[i]?.[6]]).toEqual([i % 2 === 0, i % 2 === 0]);
      const { first, second } = readFormat(m);
      expect(first).toBe(second);
      const unmasked = first ^ 0x5412;
      expect(bchRemainder(unmasked, 0x537)).toBe(0);
      expect(unmasked >>> 13).toBe(0b00); // level M
      expect((unmasked >>> 10) & 7).toBe(f.mask);
      if (f.version >= 7) {
        let bits = 0;
        for (let i = 0; i < 18; i++) bits |= (m[Math.floor(i / 3)]?.[size - 11 + (i % 3)] ? 1 : 0) << i;
        expect(bits >>> 12).toBe(f.version);
        expect(bchRemainder(bits, 0x1f25)).toBe(0);
      }
    }
  });

  it('makes Reed–Solomon codewords whose syndromes are all zero', () => {
    const data = Array.from({ length: 43 }, (_, i) => (i * 37 + 11) & 0xff);
    const codeword = [...data, ...rsRemainder(data, 26)];
    for (let k = 0, alpha = 1; k < 26; k++, alpha = gfMultiply(alpha, 2)) {
      // Horner evaluation of the codeword polynomial at α^k.
      expect(codeword.reduce((acc, c) => gfMultiply(acc, alpha) ^ c, 0)).toBe(0);
    }
  });

  it('refuses text longer than version 10 holds, with a coded error', () => {
    expect(byteCapacity(10)).toBe(213);
    expect(encodeQr('x'.repeat(213)).version).toBe(10);
    let caught: unknown;
    try {
      encodeQr('x'.repeat(214));
    } catch (err) {
      caught = err;
    }
    expect(isLanternError(caught, 'config_invalid')).toBe(true);
  });

  it('draws one square per dark module inside a four-module quiet zone, with an accessible name', () => {
    const code = encodeQr('HELLO WORLD');
    const svg = qrSvg(code, 'Sign <here> & "now"');
    expect(svg).toContain('viewBox="0 0 29 29"');
    expect(svg).toContain('aria-label="Sign &lt;here&gt; &amp; &quot;now&quot;"');
    const dark = code.modules.flat().filter(Boolean).length;
    expect(svg.match(/h1v1h-1z/g)?.length).toBe(dark);
    expect(svg).toMatch(/d="M4 4h1v1h-1z/);
  });
});
