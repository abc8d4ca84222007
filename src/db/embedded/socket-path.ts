import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ErrorCode, LanternError } from '../../errors.js';
import { ownedPrivateDir } from './private-dir.js';

/** sun_path holds 108 bytes on Linux (104 on macOS) including the final NUL; stay under both. */
export const MAX_SOCKET_PATH_BYTES = 103;

const SOCKET_NAME = 'ferretdb.sock';

/**
 * Where FerretDB listens: a Unix socket inside the (0700) database directory, so only Lantern's user can
 * connect. When that path is too long for a socket, a short 0700 directory under XDG_RUNTIME_DIR (or the OS
 * temporary directory), named after the data directory so each data directory keeps its own socket.
 */
export function chooseSocketPath(ferretDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const inDataDir = path.join(ferretDir, SOCKET_NAME);
  if (Buffer.byteLength(inDataDir) <= MAX_SOCKET_PATH_BYTES) return inDataDir;
  const runtime = env.XDG_RUNTIME_DIR && existsSync(env.XDG_RUNTIME_DIR) ? env.XDG_RUNTIME_DIR : os.tmpdir();
  const tag = createHash('sha256').update(path.resolve(ferretDir)).digest('hex').slice(0, 12);
  const dir = path.join(runtime, `lantern-${process.getuid?.() ?? 'user'}-${tag}`);
  const fallback = path.join(dir, SOCKET_NAME);
  if (Buffer.byteLength(fallback) > MAX_SOCKET_PATH_BYTES) {
    throw new LanternError(ErrorCode.EmbeddedDatabaseUnavailable, `No short enough place for the database socket (${fallback}); set TMPDIR to a short directory.`);
  }
  ownedPrivateDir(dir);
  return fallback;
}

/** The MongoDB connection string for a Unix socket: the driver takes the path percent-encoded as the host. */
export function socketUri(socket: string): string {
  return `mongodb://${encodeURIComponent(socket)}/`;
}
