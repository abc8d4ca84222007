import type { LanternConfig } from '../config/load.js';
import type { JobDeps, JobRun, JobSchedule } from '../jobs/index.js';
import type { TrainingReminderSender } from './ports.js';
import { sendTrainingReminders } from './reminders.js';

/** When the training reminder run starts: 08:30 on weekdays, in the school's time zone. */
export const TRAINING_REMINDER_CRON = '30 8 * * 1-5';

/** The background jobs of the records: the daily training reminders, sent through the Teams edge's port. */
export function recordsJobHandlers(deps: JobDeps & { trainingReminders: TrainingReminderSender }) {
  return {
    /** Reminds people whose training runs out within the school's reminder days (once per record and day). */
    'records.training-reminders': async (job: JobRun<{ schoolId: string }>) => {
      const school = deps.config.schools.find((s) => s.id === job.data.schoolId);
      if (!school) return { skipped: 'school no longer configured' };
      return sendTrainingReminders(deps.models, school, deps.trainingReminders, deps.clock(), deps.logger.child({ schoolId: school.id, job: 'records.training-reminders' }));
    },
  };
}

/** Each school's daily training reminder run. */
export function recordsSchedules(config: LanternConfig): JobSchedule<ReturnType<typeof recordsJobHandlers>>[] {
  return config.schools.map((school) => ({ name: `records.training-reminders:${school.id}`, cron: TRAINING_REMINDER_CRON, timezone: school.timezone, jobName: 'records.training-reminders', schoolId: school.id, data: { schoolId: school.id } }));
}
