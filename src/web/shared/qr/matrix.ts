/**
 * The module grid of a QR Code (ISO/IEC 18004): function patterns, the codeword zigzag, the eight masks, the
 * penalty rules that choose one, and the BCH-protected format and version information.
 */

/** A square grid of modules, `true` for dark, indexed [row][column]. */
export type Modules = boolean[][];

/** Error correction level M in the format information (L 01, M 00, Q 11, H 10). */
const LEVEL_M_BITS = 0b00;

/** Centres of the alignment patterns on each axis, per version (index 0 unused; version 1 has none). */
const ALIGNMENT = [[], [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50]] as const;

/** Whether mask `mask` flips the module at row `y`, column `x`. */
const MASKS: readonly ((x: number, y: number) => boolean)[] = [
  (x, y) => (x + y) % 2 === 0,
  (_x, y) => y % 2 === 0,
  (x) => x % 3 === 0,
  (x, y) => (x + y) % 3 === 0,
  (x, y) => (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0,
  (x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
  (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0,
  (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
];

/** The 15 format bits for level M and a mask: 5 data bits, 10 BCH bits (generator 0x537), XOR 0x5412. */
export function formatBits(mask: number): number {
  const data = (LEVEL_M_BITS << 3) | mask;
  let rem = data;
  for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
  return ((data << 10) | rem) ^ 0x5412;
}

/** The 18 version bits (versions 7 and up): 6 data bits, 12 BCH bits (generator 0x1F25). */
export function versionBits(version: number): number {
  let rem = version;
  for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25);
  return (version << 12) | rem;
}

function bit(value: number, i: number): boolean {
  return ((value >>> i) & 1) !== 0;
}

/** A grid being built: the modules, and which of them belong to function patterns (never data, never masked). */
class Grid {
  readonly size: number;
  readonly modules: Modules;
  readonly reserved: boolean[][];

  constructor(readonly version: number) {
    this.size = version * 4 + 17;
    this.modules = Array.from({ length: this.size }, () => new Array<boolean>(this.size).fill(false));
    this.reserved = Array.from({ length: this.size }, () => new Array<boolean>(this.size).fill(false));
  }

  fix(x: number, y: number, dark: boolean): void {
    const row = this.modules[y];
    const held = this.reserved[y];
    if (!row || !held || x < 0 || x >= this.size) return;
    row[x] = dark;
    held[x] = true;
  }

  finder(cx: number, cy: number): void {
    // 7×7 with its one-module light separator; the parts outside the grid are skipped.
    for (let dy = -4; dy <= 4; dy++) {
      for (let dx = -4; dx <= 4; dx++) {
        const d = Math.max(Math.abs(dx), Math.abs(dy));
        this.fix(cx + dx, cy + dy, d !== 2 && d !== 4);
      }
    }
  }

  alignment(cx: number, cy: number): void {
    for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) this.fix(cx + dx, cy + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
  }

  functionPatterns(): void {
    for (let i = 0; i < this.size; i++) {
      this.fix(6, i, i % 2 === 0);
      this.fix(i, 6, i % 2 === 0);
    }
    this.finder(3, 3);
    this.finder(this.size - 4, 3);
    this.finder(3, this.size - 4);
    const centres: readonly number[] = ALIGNMENT[this.version] ?? [];
    const last = centres.length - 1;
    centres.forEach((cx, i) => {
      centres.forEach((cy, j) => {
        // Skip the three corners the finder patterns take.
        if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return;
        this.alignment(cx, cy);
      });
    });
    this.format(0);
    this.versionInfo();
  }

  format(mask: number): void {
    const bits = formatBits(mask);
    for (let i = 0; i <= 5; i++) this.fix(8, i, bit(bits, i));
    this.fix(8, 7, bit(bits, 6));
    this.fix(8, 8, bit(bits, 7));
    this.fix(7, 8, bit(bits, 8));
    for (let i = 9; i < 15; i++) this.fix(14 - i, 8, bit(bits, i));
    for (let i = 0; i < 8; i++) this.fix(this.size - 1 - i, 8, bit(bits, i));
    for (let i = 8; i < 15; i++) this.fix(8, this.size - 15 + i, bit(bits, i));
    // The dark module beside the bottom-left finder.
    this.fix(8, this.size - 8, true);
  }

  versionInfo(): void {
    if (this.version < 7) return;
    const bits = versionBits(this.version);
    for (let i = 0; i < 18; i++) {
      const a = this.size - 11 + (i % 3);
      const b = Math.floor(i / 3);
      this.fix(a, b, bit(bits, i));
      this.fix(b, a, bit(bits, i));
    }
  }

  /** Places the codewords, most significant bit first, up and down two-column strips from the right. */
  codewords(data: readonly number[]): void {
    let i = 0;
    for (let right = this.size - 1; right >= 1; right -= 2) {
      if (right === 6) right = 5; // the vertical timing pattern takes column 6
      const upward = ((right + 1) & 2) === 0;
      for (let vert = 0; vert < this.size; vert++) {
        const y = upward ? this.size - 1 - vert : vert;
        for (let j = 0; j < 2; j++) {
          const x = right - j;
          if (this.reserved[y]?.[x] || i >= data.length * 8) continue;
          (this.modules[y] as boolean[])[x] = bit(data[i >>> 3] ?? 0, 7 - (i & 7));
          i++;
        }
      }
    }
  }

  applyMask(mask: number): void {
    const flips = MASKS[mask] as (x: number, y: number) => boolean;
    for (let y = 0; y < this.size; y++) {
      const row = this.modules[y] as boolean[];
      for (let x = 0; x < this.size; x++) if (!this.reserved[y]?.[x] && flips(x, y)) row[x] = !row[x];
    }
  }
}

/** Every row and every column of a grid. */
function lines(modules: Modules): boolean[][] {
  const columns = modules.map((_, x) => modules.map((row) => row[x] ?? false));
  return [...modules, ...columns];
}

/** Rule 1 of one line: each run of five or more modules of one colour scores 3, plus 1 for each module past five. */
function runPenalty(line: readonly boolean[]): number {
  let score = 0;
  let run = 0;
  line.forEach((dark, i) => {
    run = i > 0 && dark === line[i - 1] ? run + 1 : 1;
    if (run === 5) score += 3;
    else if (run > 5) score += 1;
  });
  return score;
}

/**
 * Rule 3 of one line: dark-light-dark-light-dark runs in the ratio 1:1:3:1:1 (at any scale n) with light at least 4n
 * wide on one side, counted once for each side that has it. Outside the symbol counts as light.
 */
function finderPenalty(line: readonly boolean[]): number {
  const border = line.length;
  // Run lengths, alternately light and dark, starting and ending light.
  const runs: number[] = [];
  let colour = false;
  let run = border;
  for (const dark of line) {
    if (dark === colour) {
      run++;
      continue;
    }
    runs.push(run);
    colour = dark;
    run = 1;
  }
  if (colour) {
    runs.push(run);
    run = 0;
  }
  runs.push(run + border);
  let count = 0;
  for (let i = 1; i + 5 < runs.length; i += 2) {
    const n = runs[i] ?? 0;
    const [before, l1, d3, l2, d1, after] = [runs[i - 1], runs[i + 1], runs[i + 2], runs[i + 3], runs[i + 4], runs[i + 5]].map((r) => r ?? 0) as [number, number, number, number, number, number];
    if (!(n > 0 && l1 === n && d3 === 3 * n && l2 === n && d1 === n)) continue;
    if (before >= 4 * n && after >= n) count++;
    if (after >= 4 * n && before >= n) count++;
  }
  return count;
}

/**
 * The penalty score of a finished grid, format and version information included (ISO/IEC 18004 section 7.8.3, as the
 * reference implementation by Project Nayuki reads it): lower reads more reliably.
 */
export function penalty(modules: Modules): number {
  const size = modules.length;
  let score = 0;
  for (const line of lines(modules)) score += runPenalty(line) + 40 * finderPenalty(line);
  // Rule 2: 2×2 blocks of one colour.
  for (let y = 0; y + 1 < size; y++) {
    for (let x = 0; x + 1 < size; x++) {
      const c = modules[y]?.[x];
      if (c === modules[y]?.[x + 1] && c === modules[y + 1]?.[x] && c === modules[y + 1]?.[x + 1]) score += 3;
    }
  }
  // Rule 4: the smallest k with the dark share within 50 % ± 5(k+1) %, 10 points each.
  const dark = modules.reduce((n, row) => n + row.filter(Boolean).length, 0);
  const total = size * size;
  score += 10 * (Math.ceil(Math.abs(dark * 20 - total * 10) / total) - 1);
  return score;
}

/** The grid for these interleaved codewords with one mask; every mask is tried when `mask` is left out. */
export function buildModules(version: number, codewords: readonly number[], mask?: number): { modules: Modules; mask: number } {
  const build = (m: number): Modules => {
    const grid = new Grid(version);
    grid.functionPatterns();
    grid.codewords(codewords);
    grid.applyMask(m);
    grid.format(m);
    return grid.modules;
  };
  if (mask !== undefined) return { modules: build(mask), mask };
  let best = { modules: build(0), mask: 0 };
  let bestScore = penalty(best.modules);
  for (let m = 1; m < 8; m++) {
    const modules = build(m);
    const score = penalty(modules);
    if (score < bestScore) {
      best = { modules, mask: m };
      bestScore = score;
    }
  }
  return best;
}
