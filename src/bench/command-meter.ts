import { readdirSync, readFileSync } from 'node:fs';
import type { Connection } from 'mongoose';

type Started = { commandName: string; requestId: number; command: Record<string, unknown> };
type Ended = { requestId: number };

/**
 * Counts the database commands a connection sends, by `command collection` (e.g. "find people"), from the
 * driver's command monitoring (the connection must be opened with `monitorCommands: true`). `reset()` starts a
 * new count; `idle()` waits until nothing is in flight, so work started after an answer is counted too.
 */
export class CommandMeter {
  by = new Map<string, number>();
  private inFlight = 0;
  private lastEnd = performance.now();

  constructor(conn: Connection) {
    const client = conn.getClient();
    client.on('commandStarted', (e: Started) => {
      // A getMore names its collection in `collection` (its own field is the cursor id).
      const collection = e.commandName === 'getMore' ? e.command.collection : e.command[e.commandName];
      const name = `${e.commandName} ${typeof collection === 'string' ? collection : ''}`.trim();
      this.by.set(name, (this.by.get(name) ?? 0) + 1);
      this.inFlight += 1;
    });
    const end = (_e: Ended) => {
      this.inFlight -= 1;
      this.lastEnd = performance.now();
    };
    client.on('commandSucceeded', end);
    client.on('commandFailed', end);
  }

  /** Commands counted since the last reset. */
  get total(): number {
    let n = 0;
    for (const c of this.by.values()) n += c;
    return n;
  }

  /** Starts a new count. */
  reset(): void {
    this.by = new Map();
  }

  /** Resolves once no command has been in flight for `quietMs`. */
  async idle(quietMs = 200): Promise<void> {
    while (this.inFlight > 0 || performance.now() - this.lastEnd < quietMs) await new Promise((r) => setTimeout(r, 25));
  }

  /** "find people 1.0, insert agreement_signatures 1.0, …" per action, most frequent first. */
  breakdown(actions: number): string {
    return [...this.by]
      .sort((a, b) => b[1] - a[1])
      .map(([name, n]) => `${name} ${(n / actions).toFixed(2)}`)
      .join(', ');
  }
}

/** CPU (user + system, ms) this process has used so far. */
export function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** The pids of this process's children whose command name contains `name` (Linux /proc; empty elsewhere). */
export function childPids(name: string): number[] {
  const pids: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return pids;
  }
  for (const e of entries) {
    const stat = readStat(Number(e));
    if (stat && stat.ppid === process.pid && stat.comm.includes(name)) pids.push(Number(e));
  }
  return pids;
}

/** CPU (user + system, ms) a process has used so far, from /proc/<pid>/stat; NaN when it cannot be read. */
export function processCpuMs(pid: number): number {
  const stat = readStat(pid);
  return stat ? ((stat.utime + stat.stime) * 1000) / 100 : NaN; // USER_HZ is 100 on Linux
}

function readStat(pid: number): { comm: string; ppid: number; utime: number; stime: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may hold spaces: the fields after the last ')' are fixed.
    const close = text.lastIndexOf(')');
    const fields = text.slice(close + 2).split(' ');
    return { comm: text.slice(text.indexOf('(') + 1, close), ppid: Number(fields[1]), utime: Number(fields[11]), stime: Number(fields[12]) };
  } catch {
    return undefined;
  }
}
