import type { LanternConfig } from '../config/load.js';
import type { Models } from '../stores.js';
import type { Logger } from '../log/logger.js';
import type { JobHandlers } from './runner.js';
import type { ScheduleDefinition } from './scheduler.js';

/** What job handlers may use; start-up builds it once and hands it to every capability's handler table. */
export interface JobDeps {
  config: LanternConfig;
  models: Models;
  logger: Logger;
  clock: () => Date;
}

/**
 * One recurring job of a capability, typed against that capability's own handler table, so the job name and
 * its data are checked where the schedule is written; start-up registers it on the shared scheduler.
 */
export type JobSchedule<H extends JobHandlers> = { [N in keyof H & string]: ScheduleDefinition<H, N> }[keyof H & string];
