import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

/**
 * The Teams app icons: a lantern glyph drawn from a few shapes and encoded as PNG with node:zlib, so the
 * committed manifests/teams/color.png and outline.png can be regenerated without an image editor:
 *
 *   npm run build && node --input-type=module -e "import('./dist/teams/manifest/icons.js').then((m) => m.writeTeamsIcons('manifests/teams'))"
 *
 * Drawing is pure arithmetic, so the pixels are the same on every machine.
 */

/** The manifest's accentColor; also the background of the colour icon, so the two match in Teams. */
export const ACCENT_COLOR = '#1B3A5C';

/** Pixel sizes Teams requires for each icon. */
export const ICON_SIZES = { color: 192, outline: 32 } as const;

type Rgba = readonly [number, number, number, number];

const WHITE: Rgba = [255, 255, 255, 255];
const CLEAR: Rgba = [255, 255, 255, 0];
const FLAME: Rgba = [245, 185, 66, 255];
const SAMPLES = 4;

function hexToRgba(hex: string): Rgba {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255, 255];
}

function inRect(x: number, y: number, x0: number, y0: number, x1: number, y1: number): boolean {
  return x >= x0 && x < x1 && y >= y0 && y < y1;
}

function inEllipse(x: number, y: number, cx: number, cy: number, rx: number, ry: number): boolean {
  return ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
}

/** The flame, in a unit square: a drop that is round below and pointed above. */
function isFlame(x: number, y: number): boolean {
  if (inEllipse(x, y, 0.5, 0.58, 0.085, 0.09)) return true;
  // Above the round part the flame narrows linearly to a point at y = 0.4.
  if (y < 0.4 || y > 0.58) return false;
  return Math.abs(x - 0.5) <= 0.085 * ((y - 0.4) / 0.18);
}

/** The lantern's frame (handle, cap, glass outline, base), in a unit square. */
function isFrame(x: number, y: number): boolean {
  const handle = y <= 0.2 && inEllipse(x, y, 0.5, 0.2, 0.13, 0.11) && !inEllipse(x, y, 0.5, 0.2, 0.075, 0.06);
  const cap = inRect(x, y, 0.3, 0.2, 0.7, 0.28);
  const glass = inRect(x, y, 0.33, 0.28, 0.67, 0.78) && !inRect(x, y, 0.39, 0.28, 0.61, 0.78);
  const base = inRect(x, y, 0.27, 0.78, 0.73, 0.87);
  return handle || cap || glass || base;
}

/** Draws the glyph at `size`×`size` pixels, averaging SAMPLES² points per pixel for smooth edges. */
function draw(size: number, colours: { background: Rgba; frame: Rgba; flame: Rgba }): Buffer {
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = (px + (sx + 0.5) / SAMPLES) / size;
          const y = (py + (sy + 0.5) / SAMPLES) / size;
          const c = isFlame(x, y) ? colours.flame : isFrame(x, y) ? colours.frame : colours.background;
          for (let i = 0; i < 4; i++) sum[i]! += c[i]!;
        }
      }
      const at = (py * size + px) * 4;
      for (let i = 0; i < 4; i++) rgba[at + i] = Math.round(sum[i]! / (SAMPLES * SAMPLES));
    }
  }
  return rgba;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** Encodes 8-bit RGBA pixels (row-major, `width`×`height`×4 bytes) as a PNG file. */
export function encodePng(rgba: Buffer, width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA; compression, filter and interlace bytes stay 0
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) rgba.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride); // filter 0 per row
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** Width and height from a PNG's IHDR chunk, or undefined when `png` is not a PNG. */
export function readPngSize(png: Buffer): { width: number; height: number } | undefined {
  if (png.length < 24 || png.readUInt32BE(0) !== 0x89504e47 || png.toString('ascii', 12, 16) !== 'IHDR') return undefined;
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** The full-colour icon: white lantern with an amber flame on the accent colour, 192×192, opaque. */
export function renderColorIcon(): Buffer {
  const size = ICON_SIZES.color;
  return encodePng(draw(size, { background: hexToRgba(ACCENT_COLOR), frame: WHITE, flame: FLAME }), size, size);
}

/** The outline icon: the lantern in white on transparent, 32×32, as Teams requires. */
export function renderOutlineIcon(): Buffer {
  const size = ICON_SIZES.outline;
  return encodePng(draw(size, { background: CLEAR, frame: WHITE, flame: WHITE }), size, size);
}

/** Writes color.png and outline.png into `dir` (used to refresh the committed icons). */
export function writeTeamsIcons(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'color.png'), renderColorIcon());
  writeFileSync(path.join(dir, 'outline.png'), renderOutlineIcon());
}
