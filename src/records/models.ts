import type { Connection } from 'mongoose';
import { filterCheckSchema, fnmReviewSchema } from './fnm-model.js';
import { policyReviewSchema } from './review-model.js';
import { trainingRecordSchema, trainingReminderSchema } from './training-model.js';

/** Compiles the collections of training records and reminders, policy reviews, annual filtering reviews and filter checks. */
export function createRecordsModels(conn: Connection) {
  return {
    trainingRecords: conn.model('TrainingRecord', trainingRecordSchema, 'training_records'),
    trainingReminders: conn.model('TrainingReminder', trainingReminderSchema, 'training_reminders'),
    policyReviewRecords: conn.model('PolicyReviewRecord', policyReviewSchema, 'policy_reviews'),
    fnmReviews: conn.model('FnmReview', fnmReviewSchema, 'fnm_reviews'),
    filterChecks: conn.model('FilterCheck', filterCheckSchema, 'filter_checks'),
  };
}

/** The models createRecordsModels compiles: what this capability stores. */
export type RecordsModels = ReturnType<typeof createRecordsModels>;
