import { defineCommand, type CommandEntry } from '../command.js';

/** `training add` options. */
export const trainingAddOptions = { person: 'value', kind: 'value', date: 'value', provider: 'value', evidence: 'value', by: 'value', reason: 'value', school: 'value', config: 'value', 'dry-run': 'bool' } as const;
/** `training list` options. */
export const trainingListOptions = { person: 'value', kind: 'value', school: 'value', config: 'value' } as const;
/** `training due` options. */
export const trainingDueOptions = { within: 'value', school: 'value', config: 'value' } as const;
/** `review record` options. */
export const reviewRecordOptions = {
  policy: 'value', date: 'value', 'reviewed-by': 'value', 'approved-by': 'value', next: 'value', changed: 'bool', notes: 'value', by: 'value', school: 'value', config: 'value', 'dry-run': 'bool',
} as const;
/** `review list` options. */
export const reviewListOptions = { policy: 'value', school: 'value', config: 'value' } as const;
/** `fnm review` options. */
export const fnmReviewOptions = { date: 'value', participants: 'value', checklist: 'value', actions: 'value', by: 'value', template: 'bool', school: 'value', config: 'value', 'dry-run': 'bool' } as const;
/** `fnm check` options. */
export const fnmCheckOptions = { tested: 'value', result: 'value', note: 'value', by: 'value', school: 'value', config: 'value', 'dry-run': 'bool' } as const;
/** `fnm status` options. */
export const fnmStatusOptions = { school: 'value', config: 'value' } as const;

/** `lantern training …`, `lantern review …` and `lantern fnm …`: the school's training, policy-review and filtering records. */
export const recordsCommands: Readonly<Record<string, CommandEntry>> = {
  'training add': defineCommand({
    summary: 'Record a completed training: induction, online-safety, dsl, governor-safeguarding or governor-cyber (--dry-run checks it)',
    usage: 'lantern training add --person EMAIL --kind KIND --date YYYY-MM-DD --provider TEXT --by NAME [--evidence URL] [--reason TEXT] [--school ID] [--config FILE] [--dry-run]',
    options: trainingAddOptions,
    load: async () => (await import('./training-add.js')).addTraining,
  }),
  'training list': defineCommand({
    summary: 'List recorded training, newest first (one person or one kind with --person / --kind)',
    usage: 'lantern training list [--person EMAIL] [--kind KIND] [--school ID] [--config FILE]',
    options: trainingListOptions,
    load: async () => (await import('./training-list.js')).listTrainingRecords,
  }),
  'training due': defineCommand({
    summary: 'Who needs training: expired, running out within --within days (default 30), or never recorded',
    usage: 'lantern training due [--within DAYS] [--school ID] [--config FILE]',
    options: trainingDueOptions,
    load: async () => (await import('./training-due.js')).showTrainingDue,
  }),
  'review record': defineCommand({
    summary: 'Record a policy review, with or without a text change: who reviewed, who approved, the next review date',
    usage: 'lantern review record --policy ID --date YYYY-MM-DD --reviewed-by NAME --approved-by NAME --next YYYY-MM-DD --by NAME [--changed] [--notes TEXT] [--school ID] [--config FILE] [--dry-run]',
    options: reviewRecordOptions,
    load: async () => (await import('./review.js')).recordReview,
  }),
  'review list': defineCommand({
    summary: 'List recorded policy reviews, newest first',
    usage: 'lantern review list [--policy ID] [--school ID] [--config FILE]',
    options: reviewListOptions,
    load: async () => (await import('./review.js')).listReviews,
  }),
  'fnm review': defineCommand({
    summary: 'Record the annual filtering and monitoring review (who took part, the checklist CSV, actions); --template prints the checklist',
    usage: 'lantern fnm review --date YYYY-MM-DD --participants "NAME, NAME" --checklist FILE --by NAME [--actions "ACTION; ACTION"] [--template] [--school ID] [--config FILE] [--dry-run]',
    options: fnmReviewOptions,
    load: async () => (await import('./fnm.js')).recordAnnualReview,
  }),
  'fnm check': defineCommand({
    summary: 'Log a filter check: what was tested and whether the filter passed (IT can also type "filter check" in Teams)',
    usage: 'lantern fnm check --tested TEXT --result pass|fail --by NAME [--note TEXT] [--school ID] [--config FILE] [--dry-run]',
    options: fnmCheckOptions,
    load: async () => (await import('./fnm.js')).logFilterCheck,
  }),
  'fnm status': defineCommand({
    summary: 'The last annual filtering and monitoring review and the recent filter checks',
    usage: 'lantern fnm status [--school ID] [--config FILE]',
    options: fnmStatusOptions,
    load: async () => (await import('./fnm.js')).showFnmStatus,
  }),
};
