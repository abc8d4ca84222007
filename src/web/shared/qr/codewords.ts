/**
 * The data half of a QR Code (ISO/IEC 18004): byte-mode bits, the error correction codewords (Reed–Solomon over
 * GF(256)) and the interleaved codeword sequence, for error correction level M and versions 1 to 10.
 */

/** The largest version this encoder makes: 57 × 57 modules, up to 213 bytes at level M. */
export const MAX_VERSION = 10;

/** Level M per version (index 0 unused): error correction codewords per block, and the number of blocks. */
const EC_PER_BLOCK = [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26] as const;
const BLOCKS = [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5] as const;

/** Modules (bits) a version can hold for data and error correction, after every function pattern. */
export function rawDataModules(version: number): number {
  let n = (16 * version + 128) * version + 64;
  if (version >= 2) {
    const align = Math.floor(version / 7) + 2;
    n -= (25 * align - 10) * align - 55;
    if (version >= 7) n -= 36;
  }
  return n;
}

/** Data codewords a version holds at level M. */
export function dataCodewords(version: number): number {
  return Math.floor(rawDataModules(version) / 8) - (EC_PER_BLOCK[version] ?? 0) * (BLOCKS[version] ?? 0);
}

/** Bytes of text a version holds in byte mode at level M (4-bit mode, 8- or 16-bit count). */
export function byteCapacity(version: number): number {
  return Math.floor((dataCodewords(version) * 8 - 4 - countBits(version)) / 8);
}

function countBits(version: number): number {
  return version <= 9 ? 8 : 16;
}

/** Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x^2 + 1 (0x11D), the field QR codes use. */
export function gfMultiply(x: number, y: number): number {
  let z = 0;
  for (let i = 7; i >= 0; i--) {
    z = (z << 1) ^ ((z >>> 7) * 0x11d);
    z ^= ((y >>> i) & 1) * x;
  }
  return z & 0xff;
}

/** The generator polynomial (x − α^0)(x − α^1)…(x − α^(degree−1)), leading 1 dropped, highest power first. */
function rsDivisor(degree: number): number[] {
  const result: number[] = new Array<number>(degree).fill(0);
  result[degree - 1] = 1;
  let root = 1;
  for (let i = 0; i < degree; i++) {
    for (let j = 0; j < result.length; j++) {
      result[j] = gfMultiply(result[j] ?? 0, root) ^ (result[j + 1] ?? 0);
    }
    root = gfMultiply(root, 0x02);
  }
  return result;
}

/** The Reed–Solomon error correction codewords of one block: the remainder of data·x^n divided by the generator. */
export function rsRemainder(data: readonly number[], degree: number): number[] {
  const divisor = rsDivisor(degree);
  const result: number[] = new Array<number>(degree).fill(0);
  for (const b of data) {
    const factor = b ^ (result.shift() ?? 0);
    result.push(0);
    divisor.forEach((coef, i) => {
      result[i] = (result[i] ?? 0) ^ gfMultiply(coef, factor);
    });
  }
  return result;
}

/** The smallest version whose byte-mode capacity at level M fits `length` bytes, or null when none up to 10 does. */
export function versionFor(length: number): number | null {
  for (let v = 1; v <= MAX_VERSION; v++) if (byteCapacity(v) >= length) return v;
  return null;
}

/** Mode, count, bytes, terminator and pad codewords (0xEC, 0x11) filling the version's data capacity. */
export function dataBytes(bytes: Uint8Array, version: number): number[] {
  const bits: number[] = [];
  const put = (value: number, length: number): void => {
    for (let i = length - 1; i >= 0; i--) bits.push((value >>> i) & 1);
  };
  put(0b0100, 4);
  put(bytes.length, countBits(version));
  for (const b of bytes) put(b, 8);
  const capacity = dataCodewords(version) * 8;
  put(0, Math.min(4, capacity - bits.length));
  put(0, (8 - (bits.length % 8)) % 8);
  const out: number[] = [];
  for (let i = 0; i < bits.length; i += 8) out.push(bits.slice(i, i + 8).reduce((acc, bit) => (acc << 1) | bit, 0));
  for (let pad = 0xec; out.length < capacity / 8; pad ^= 0xec ^ 0x11) out.push(pad);
  return out;
}

/** Splits the data into the version's blocks, adds each block's error correction, and interleaves them. */
export function interleavedCodewords(data: readonly number[], version: number): number[] {
  const blocks = BLOCKS[version] ?? 1;
  const ecLength = EC_PER_BLOCK[version] ?? 0;
  const shortLength = Math.floor(data.length / blocks);
  const longBlocks = data.length % blocks;
  const dataBlocks: number[][] = [];
  const ecBlocks: number[][] = [];
  let k = 0;
  for (let i = 0; i < blocks; i++) {
    // The last `longBlocks` blocks carry one more data codeword.
    const length = shortLength + (i >= blocks - longBlocks ? 1 : 0);
    const block = data.slice(k, k + length);
    k += length;
    dataBlocks.push(block);
    ecBlocks.push(rsRemainder(block, ecLength));
  }
  const out: number[] = [];
  for (let i = 0; i <= shortLength; i++) for (const block of dataBlocks) if (i < block.length) out.push(block[i] ?? 0);
  for (let i = 0; i < ecLength; i++) for (const block of ecBlocks) out.push(block[i] ?? 0);
  return out;
}
