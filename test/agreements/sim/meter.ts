import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { testMongoUri } from '../../support/db.js';

type Started = { commandName: string; requestId: number; command: Record<string, unknown> };
type Ended = { requestId: number; duration: number };

/** One phase's database commands: how many, how long the server took, and which (command collection → count). */
export interface PhaseCount {
  commands: number;
  ms: number;
  /** Wall time spent in the phase (database and JavaScript). */
  wallMs: number;
  by: Map<string, number>;
  /** Server time by command. */
  msBy: Map<string, number>;
}

/**
 * Counts the database commands the simulation causes, by phase (the jobs, the answers, the checks), from the
 * driver's command monitoring. FerretDB scans a collection on each query, so the count is what a day costs.
 */
export class CommandMeter {
  readonly phases = new Map<string, PhaseCount>();
  /** Since the last `startDay`. */
  today = new Map<string, PhaseCount>();
  private readonly open = new Map<number, [string, string]>();
  private current = 'setup';
  private since = performance.now();

  /** The phase commands are counted under; setting it also ends the wall time of the one before. */
  get phase(): string {
    return this.current;
  }

  set phase(next: string) {
    const t = performance.now();
    for (const count of [this.count(this.current), this.count(this.current, this.today)]) count.wallMs += t - this.since;
    this.since = t;
    this.current = next;
  }

  constructor(conn: Connection) {
    const client = conn.getClient();
    client.on('commandStarted', (e: Started) => {
      // A getMore names its collection in `collection` (its own field is the cursor id).
      const collection = e.commandName === 'getMore' ? e.command.collection : e.command[e.commandName];
      const name = `${e.commandName} ${typeof collection === 'string' ? collection : ''}`.trim();
      for (const count of [this.count(this.phase), this.count(this.phase, this.today)]) {
        count.commands += 1;
        count.by.set(name, (count.by.get(name) ?? 0) + 1);
      }
      this.open.set(e.requestId, [this.phase, name]);
    });
    const end = (e: Ended) => {
      const started = this.open.get(e.requestId);
      this.open.delete(e.requestId);
      if (!started) return;
      for (const count of [this.count(started[0]), this.count(started[0], this.today)]) {
        count.ms += e.duration;
        count.msBy.set(started[1], (count.msBy.get(started[1]) ?? 0) + e.duration);
      }
    };
    client.on('commandSucceeded', end);
    client.on('commandFailed', end);
  }

  private count(phase: string, phases = this.phases): PhaseCount {
    let count = phases.get(phase);
    if (!count) phases.set(phase, (count = { commands: 0, ms: 0, wallMs: 0, by: new Map(), msBy: new Map() }));
    return count;
  }

  /** Starts counting a new day for `report(1, true)`. */
  startDay(): void {
    this.phase = this.current;
    this.today = new Map();
  }

  /** Every phase's commands. */
  get total(): number {
    let n = 0;
    for (const c of this.phases.values()) n += c.commands;
    return n;
  }

  /** A line per phase: commands per day, their time per day, wall time per day, and the costliest commands. */
  report(days: number, today = false): string {
    this.phase = this.current;
    const lines: string[] = [];
    for (const [phase, c] of today ? this.today : this.phases) {
      const top = [...c.msBy].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, ms]) => `${k} ${((c.by.get(k) ?? 0) / days).toFixed(1)}× ${Math.round(ms / days)} ms`).join(', ');
      lines.push(`  ${phase}: ${(c.commands / days).toFixed(1)} commands/day, ${Math.round(c.ms / days)} ms/day in commands, ${Math.round(c.wallMs / days)} ms/day wall (${top})`);
    }
    return lines.join('\n');
  }
}

/** A fresh test database on a connection with command monitoring, and its meter; drop it with `dropTestDatabase`. */
export async function connectMeteredDatabase(prefix: string): Promise<{ conn: Connection; meter: CommandMeter }> {
  const dbName = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const conn = await mongoose.createConnection(testMongoUri(), { dbName, autoIndex: false, monitorCommands: true }).asPromise();
  return { conn, meter: new CommandMeter(conn) };
}

/** How many `command collection` commands (e.g. "find agreement_sends") a phase issued. */
export function commandCount(phases: Map<string, PhaseCount>, phase: string, command: string): number {
  return phases.get(phase)?.by.get(command) ?? 0;
}
