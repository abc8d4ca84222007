import { DROP_CAMPAIGN_KEY_INDEX, FILL_OPEN_SENDS } from '../agreements/migrations.js';
import { REDACT_DO_NOT_VIEW_CASES } from '../cases/migrations.js';
import type { Migration } from '../db/migrations.js';

/**
 * The data migrations start-up runs, each once per database (see runMigrations). A capability that changes
 * how it stores data adds its migration here, with an id that sorts after the ones before it.
 */
export const STARTUP_MIGRATIONS: readonly Migration[] = [DROP_CAMPAIGN_KEY_INDEX, REDACT_DO_NOT_VIEW_CASES, FILL_OPEN_SENDS];
