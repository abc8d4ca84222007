import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { IntegrityKeySource } from '../config/load.js';
import { ErrorCode, LanternError } from '../errors.js';

/** The secret that seals chain entries, held outside the database, with a public id to name it by. */
export interface IntegrityKey {
  readonly secret: Buffer;
  /** The first 12 hex characters of the key's SHA-256: names the key in output without revealing it. */
  readonly id: string;
  /** Where it came from, for verify's output (an env var name or a file path). */
  readonly source: string;
}

function keyFrom(hex: string, source: string): IntegrityKey {
  const secret = Buffer.from(hex, 'hex');
  return { secret, id: createHash('sha256').update(secret).digest('hex').slice(0, 12), source };
}

/**
 * Reads the integrity key (null when none is configured). The demo's key file is created when missing,
 * 0600 in a 0700 directory; a configured key file that is missing or malformed stops start-up.
 */
export function openIntegrityKey(source: IntegrityKeySource): IntegrityKey | null {
  if (source.key) return keyFrom(source.key, 'LANTERN_INTEGRITY_KEY');
  if (!source.keyFile) return null;
  if (!existsSync(source.keyFile)) {
    if (!source.generate) {
      throw new LanternError(ErrorCode.ConfigInvalid, `integrity.keyFile: ${source.keyFile} does not exist; create it with \`openssl rand -hex 32 > ${source.keyFile}\` and keep a copy away from the database server.`);
    }
    mkdirSync(path.dirname(source.keyFile), { recursive: true, mode: 0o700 });
    writeFileSync(source.keyFile, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  }
  chmodSync(source.keyFile, 0o600);
  const hex = readFileSync(source.keyFile, 'utf8').trim();
  if (!/^[0-9a-fA-F]{64,}$/.test(hex)) {
    throw new LanternError(ErrorCode.ConfigInvalid, `integrity.keyFile: ${source.keyFile} must hold at least 64 hex characters (32 bytes); make one with \`openssl rand -hex 32\`.`);
  }
  return keyFrom(hex, source.keyFile);
}
