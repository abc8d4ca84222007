import { ErrorCode, LanternError } from '../../../errors.js';
import { byteCapacity, dataBytes, interleavedCodewords, MAX_VERSION, versionFor } from './codewords.js';
import { buildModules, type Modules } from './matrix.js';

/** A QR Code symbol: its version (1–10), the mask chosen, and the modules (`true` dark), indexed [row][column]. */
export interface QrCode {
  version: number;
  mask: number;
  modules: Modules;
}

/**
 * Encodes text (UTF-8, byte mode) at error correction level M in the smallest version that holds it, with the mask
 * the penalty rules prefer (or `mask` when given, for tests). Text longer than version 10 holds is a coded error.
 */
export function encodeQr(text: string, options: { mask?: number } = {}): QrCode {
  const bytes = new TextEncoder().encode(text);
  const version = versionFor(bytes.length);
  if (version === null) {
    throw new LanternError(ErrorCode.ConfigInvalid, `This address is ${bytes.length} bytes; a QR code here holds at most ${byteCapacity(MAX_VERSION)}. Use a shorter server.publicUrl.`);
  }
  const codewords = interleavedCodewords(dataBytes(bytes, version), version);
  const { modules, mask } = buildModules(version, codewords, options.mask);
  return { version, mask, modules };
}

/**
 * The symbol as a scalable SVG: one path of dark squares on white, with the four-module quiet zone readers need.
 * `label` is the accessible name (what the code opens).
 */
export function qrSvg(code: QrCode, label: string): string {
  const quiet = 4;
  const size = code.modules.length + 2 * quiet;
  const path: string[] = [];
  code.modules.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) path.push(`M${x + quiet} ${y + quiet}h1v1h-1z`);
    });
  });
  const title = label.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" role="img" aria-label="${title}" shape-rendering="crispEdges"><rect width="${size}" height="${size}" fill="#fff"/><path fill="#000" d="${path.join('')}"/></svg>`;
}
