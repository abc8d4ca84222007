import type { Connection } from 'mongoose';
import { jobFenceSchema, jobSchema } from './job-model.js';
import { scheduleSchema } from './schedule-model.js';

/** Compiles the collections of background jobs, their fences and schedules on one connection. */
export function createJobModels(conn: Connection) {
  return {
    jobs: conn.model('Job', jobSchema, 'jobs'),
    jobFences: conn.model('JobFence', jobFenceSchema, 'job_fences'),
    jobSchedules: conn.model('JobSchedule', scheduleSchema, 'job_schedules'),
  };
}

/** The models createJobModels compiles: what this capability stores. */
export type JobModels = ReturnType<typeof createJobModels>;
