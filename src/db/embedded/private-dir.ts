import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ErrorCode, LanternError } from '../../errors.js';

/** Directories holding the embedded database are for Lantern's own user only. */
export const PRIVATE_DIR_MODE = 0o700;
/** Files in them too: the SQLite files hold pupils' names and safeguarding cases. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates `dir` if missing and tightens it to 0700 and the regular files directly in it to 0600, even when an
 * older Lantern (or a copy) left them readable by others. Returns the paths whose modes it had to change.
 */
export function securePrivateDir(dir: string): string[] {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const loosened: string[] = [];
  if ((lstatSync(dir).mode & 0o777) !== PRIVATE_DIR_MODE) {
    chmodSync(dir, PRIVATE_DIR_MODE);
    loosened.push(dir);
  }
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(dir, entry.name);
    if ((lstatSync(file).mode & 0o077) !== 0) {
      chmodSync(file, PRIVATE_FILE_MODE);
      loosened.push(file);
    }
  }
  return loosened;
}

/**
 * Creates (or accepts) a 0700 directory in a shared place such as /tmp. Refuses one that is a symlink or
 * belongs to someone else, since another user could have planted it to catch the database socket.
 */
export function ownedPrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const stat = lstatSync(dir);
  const uid = process.getuid?.();
  if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) {
    throw new LanternError(
      ErrorCode.EmbeddedDatabaseUnavailable,
      `${dir} is not a directory owned by this user, so Lantern will not put its database socket there. Remove it, or use a shorter LANTERN_DATA_DIR.`,
    );
  }
  if ((stat.mode & 0o777) !== PRIVATE_DIR_MODE) chmodSync(dir, PRIVATE_DIR_MODE);
}
