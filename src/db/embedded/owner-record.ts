import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PRIVATE_FILE_MODE } from './private-dir.js';

/** Who runs the FerretDB on a data directory, and where it listens; kept as `owner.json` in that directory. */
export interface DatabaseOwner {
  /** The Lantern process that started FerretDB and stops it. */
  readonly ownerPid: number;
  /** The owner's start time from /proc (Linux), so a recycled pid is not taken for the owner; null elsewhere. */
  readonly ownerStartedAt: string | null;
  /** A server shares its database with CLI commands; a command keeps its own only while it runs. */
  readonly role: 'server' | 'command';
  /** Null while FerretDB is starting. */
  readonly ferretPid: number | null;
  readonly socket: string;
  readonly uri: string;
}

const OWNER_FILE = 'owner.json';

/** Where the owner record of the database in `ferretDir` lives. */
export function ownerFile(ferretDir: string): string {
  return path.join(ferretDir, OWNER_FILE);
}

/** The owner record, or null when there is none or it is unreadable (a torn write from a crash). */
export function readOwner(ferretDir: string): DatabaseOwner | null {
  try {
    const parsed = JSON.parse(readFileSync(ownerFile(ferretDir), 'utf8')) as Partial<DatabaseOwner>;
    return typeof parsed.ownerPid === 'number' && typeof parsed.socket === 'string' ? (parsed as DatabaseOwner) : null;
  } catch {
    return null;
  }
}

/** Takes ownership when nobody holds it; false when another process wrote its record first. */
export function claimOwner(ferretDir: string, owner: DatabaseOwner): boolean {
  try {
    writeFileSync(ownerFile(ferretDir), JSON.stringify(owner), { flag: 'wx', mode: PRIVATE_FILE_MODE });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Replaces the record in one rename, so a reader never sees half of it. */
export function updateOwner(ferretDir: string, owner: DatabaseOwner): void {
  const tmp = `${ownerFile(ferretDir)}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(owner), { mode: PRIVATE_FILE_MODE });
  renameSync(tmp, ownerFile(ferretDir));
}

/** Removes the record if it is still `pid`'s. */
export function releaseOwner(ferretDir: string, pid: number = process.pid): void {
  if (readOwner(ferretDir)?.ownerPid === pid) rmSync(ownerFile(ferretDir), { force: true });
}

/** Removes a record whose owner is gone. */
export function removeStaleOwner(ferretDir: string): void {
  rmSync(ownerFile(ferretDir), { force: true });
}

/** The kernel's start time of `pid` (Linux), or null when it cannot be read. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) are space-separated; starttime is the 22nd field.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** True while `pid` runs (and, where /proc tells, is the same process that started at `startedAt`). */
export function isProcessAlive(pid: number, startedAt: string | null = null): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (startedAt === null) return true;
  const now = processStartTime(pid);
  return now === null || now === startedAt;
}

/** True while the record's owner is the live process that wrote it. */
export function ownerIsAlive(owner: DatabaseOwner): boolean {
  return isProcessAlive(owner.ownerPid, owner.ownerStartedAt);
}

function isFerretDb(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('ferretdb');
  } catch {
    // Not Linux: trust the record.
    return isProcessAlive(pid);
  }
}

/**
 * Stops the FerretDB of a Lantern that died without stopping it (kill -9 leaves the child running), so two
 * FerretDBs never share the SQLite files. Only for a record whose owner is dead; checks the pid is FerretDB.
 */
export async function stopOrphan(owner: DatabaseOwner): Promise<void> {
  const pid = owner.ferretPid;
  if (pid === null || !isProcessAlive(pid) || !isFerretDb(pid)) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 50 && isProcessAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
}
