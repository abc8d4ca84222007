import type mongoose from 'mongoose';
import { ErrorCode, LanternError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { isDuplicateKey } from './errors.js';

type Db = mongoose.mongo.Db;

/** One versioned data change. `up` must be idempotent: after a crash half-way it runs again from the start. */
export interface Migration {
  /** Sortable and never reused, e.g. `2026-05-01-backfill-case-school`. */
  readonly id: string;
  readonly description: string;
  up(db: Db): Promise<void>;
}

/** How a runner identifies itself and how long it waits for another instance. */
export interface MigrationOptions {
  /** This instance, e.g. host:pid; recorded on the migrations it runs. */
  owner: string;
  logger: Logger;
  clock?: () => Date;
  /** How often a waiting instance looks at the record again (default 500 ms). */
  pollMs?: number;
  /** How often the running instance says it is still alive (default 5 s). */
  heartbeatMs?: number;
  /** A record not heard from for this long belongs to an instance that died; another takes over (default 60 s). */
  staleAfterMs?: number;
}

/** What a run did with each migration. */
export interface MigrationOutcome {
  ran: string[];
  /** Done already, or done by another instance while this one waited. */
  alreadyDone: string[];
}

interface MigrationRecord {
  _id: string;
  state: 'running' | 'done';
  owner: string;
  description: string;
  startedAt: Date;
  heartbeatAt: Date;
  doneAt?: Date;
}

const COLLECTION = 'migrations';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs each migration once across every Lantern instance sharing the database, in id order. The right to run
 * one is a unique insert of its record (`migrations` `{_id: id}`), so when several instances start at once
 * exactly one runs it and the others wait until its record says done. A runner that dies leaves a record whose
 * heartbeat stops; after `staleAfterMs` the record is deleted (only if still unchanged) and the claim is raced
 * again. A failed migration's record is removed, so the next start tries again, and start-up stops.
 */
export async function runMigrations(db: Db, migrations: readonly Migration[], options: MigrationOptions): Promise<MigrationOutcome> {
  const records = db.collection<MigrationRecord>(COLLECTION);
  const clock = options.clock ?? (() => new Date());
  const outcome: MigrationOutcome = { ran: [], alreadyDone: [] };
  for (const migration of [...migrations].sort((a, b) => a.id.localeCompare(b.id))) {
    for (;;) {
      const now = clock();
      try {
        await records.insertOne({ _id: migration.id, state: 'running', owner: options.owner, description: migration.description, startedAt: now, heartbeatAt: now });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const record = await records.findOne({ _id: migration.id });
        if (record?.state === 'done') {
          outcome.alreadyDone.push(migration.id);
          break;
        }
        if (record && now.getTime() - record.heartbeatAt.getTime() > (options.staleAfterMs ?? 60_000)) {
          options.logger.warn({ migration: migration.id, owner: record.owner }, 'migration runner stopped answering; taking over');
          await records.deleteOne({ _id: migration.id, owner: record.owner, heartbeatAt: record.heartbeatAt });
          continue;
        }
        await sleep(options.pollMs ?? 500);
        continue;
      }
      await runClaimed(records, migration, db, options, clock);
      outcome.ran.push(migration.id);
      break;
    }
  }
  return outcome;
}

async function runClaimed(records: mongoose.mongo.Collection<MigrationRecord>, migration: Migration, db: Db, options: MigrationOptions, clock: () => Date): Promise<void> {
  const mine = { _id: migration.id, owner: options.owner };
  const heartbeat = setInterval(() => void records.updateOne(mine, { $set: { heartbeatAt: clock() } }).catch(() => undefined), options.heartbeatMs ?? 5_000);
  options.logger.info({ migration: migration.id }, `running migration: ${migration.description}`);
  try {
    await migration.up(db);
  } catch (err) {
    await records.deleteOne(mine).catch(() => undefined);
    throw new LanternError(ErrorCode.MigrationFailed, `Data migration ${migration.id} (${migration.description}) failed: ${(err as Error).message}. Nothing records it as done, so the next start tries it again; fix the cause (see the log) and restart.`, { cause: err });
  } finally {
    clearInterval(heartbeat);
  }
  await records.updateOne(mine, { $set: { state: 'done', doneAt: clock() } });
}
