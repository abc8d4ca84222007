import type { Connection } from 'mongoose';
import { personSchema } from '../directory/person.js';
import { jobFenceSchema, jobSchema } from '../jobs/job-model.js';
import { scheduleSchema } from '../jobs/schedule-model.js';
import { conversationRefSchema } from '../teams/conversation-ref.js';

/** Compiles every collection's model on one connection; each capability adds its schema here. */
export function createModels(conn: Connection) {
  return {
    people: conn.model('Person', personSchema, 'people'),
    jobs: conn.model('Job', jobSchema, 'jobs'),
    jobFences: conn.model('JobFence', jobFenceSchema, 'job_fences'),
    jobSchedules: conn.model('JobSchedule', scheduleSchema, 'job_schedules'),
    conversationRefs: conn.model('ConversationRef', conversationRefSchema, 'conversation_refs'),
  };
}

/** The compiled models of one connection. */
export type Models = ReturnType<typeof createModels>;

/** Creates the indexes every model declares (unique keys carry idempotency, so this runs before use). */
export async function ensureIndexes(models: Models): Promise<void> {
  for (const model of Object.values(models)) await model.createIndexes();
}
