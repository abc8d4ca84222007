import type { Connection } from 'mongoose';
import type { LanternConfig } from './config/load.js';
import { ensureIndexes } from './db/indexes.js';

import { openConnection, type OpenConnectionOptions, type OpenConnection } from './db/open.js';
import type { Logger } from './log/logger.js';
import { openIntegrityKey, type IntegrityKey } from './integrity/key.js';
import { createAgreementModels } from './agreements/models.js';
import { SignatureAppends } from './agreements/signature-appends.js';
import { CaseBatches } from './cases/case-batches.js';
import { createCaseModels } from './cases/models.js';
import { createDashboardModels } from './dashboard/models.js';
import { createDigestModels } from './digest/models.js';
import { createDirectoryModels } from './directory/models.js';
import { createGoogleModels } from './google/models.js';
import { createJobModels } from './jobs/models.js';
import { createMonitoringModels } from './monitoring/models/index.js';
import { createParentModels } from './parents/models.js';
import { createRecordsModels } from './records/models.js';
import { createTeamsModels } from './teams/models.js';
import { createWebModels } from './web/shared/models.js';

export { ensureIndexes };

/**
 * Every capability's models on one connection. Each capability owns its schemas and compiles them itself
 * (`create…Models`); start-up and CLI commands compose them here, so `db/` stays infrastructure.
 * `integrity` is the key that seals chain entries as they are written (null: entries are not sealed);
 * `signatureAppends` the connection's signatures waiting for their school's chain (appended together);
 * `caseBatches` its case reads and writes (documents, timelines, access log, board), grouped across clicks.
 */
export function createModels(conn: Connection, integrity: IntegrityKey | null = null) {
  return {
    integrity,
    signatureAppends: new SignatureAppends(),
    caseBatches: new CaseBatches(),
    ...createAgreementModels(conn),
    ...createCaseModels(conn),
    ...createDashboardModels(conn),
    ...createDigestModels(conn),
    ...createDirectoryModels(conn),
    ...createGoogleModels(conn),
    ...createJobModels(conn),
    ...createMonitoringModels(conn),
    ...createParentModels(conn),
    ...createRecordsModels(conn),
    ...createTeamsModels(conn),
    ...createWebModels(conn),
  };
}

/** The compiled models of one connection: the union of the capabilities' stores. */
export type Models = ReturnType<typeof createModels>;

/** The database Lantern works on, with every capability's models and their indexes in place. */
export interface OpenDatabase extends OpenConnection {
  readonly models: Models;
}

/** Opens the database (MONGODB_URI or the embedded one), compiles every model and makes sure every index exists. */
export async function openDatabase(config: LanternConfig, log: Logger, options: OpenConnectionOptions = {}): Promise<OpenDatabase> {
  const opened = await openConnection(config, log, options);
  try {
    const models = createModels(opened.connection, openIntegrityKey(config.integrity));
    await ensureIndexes(models);
    return { ...opened, models };
  } catch (err) {
    await opened.close();
    throw err;
  }
}
