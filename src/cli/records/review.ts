import { dayLabel } from '../../records/input.js';
import { listPolicyReviews, recordPolicyReview } from '../../records/review.js';
import type { CommandRun } from '../command.js';
import { withCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { reviewListOptions, reviewRecordOptions } from './commands.js';

/** `lantern review record`: records a policy review, changed or not. */
export const recordReview: CommandRun<typeof reviewRecordOptions> = async ({ flags }, io) =>
  withCommandDatabase(io, { configFile: flags.config }, async (cli) => {
    const school = pickSchool(cli.config, flags.school);
    const dryRun = flags['dry-run'] === true;
    const { review, title } = await recordPolicyReview(
      cli.models,
      school,
      { policy: flags.policy, reviewedOn: flags.date, reviewedBy: flags['reviewed-by'], approvedBy: flags['approved-by'], nextReviewDue: flags.next, changed: flags.changed === true, notes: flags.notes, by: flags.by },
      new Date(),
      dryRun,
    );
    io.out(`${dryRun ? 'Dry run — nothing recorded: would record' : 'Recorded'} the review of ${title} on ${dayLabel(review.reviewedOn)} (${review.changed ? 'text changed' : 'no change to the text'}), approved by ${review.approvedBy}; next review due ${dayLabel(review.nextReviewDue)}.`);
    if (review.changed) io.out('The text changed: publish the new version too (`lantern agreements publish`).');
    return 0;
  });

/** `lantern review list`: recorded policy reviews, newest first. */
export const listReviews: CommandRun<typeof reviewListOptions> = async ({ flags }, io) =>
  withCommandDatabase(io, { configFile: flags.config }, async (cli) => {
    const school = pickSchool(cli.config, flags.school);
    const reviews = await listPolicyReviews(cli.models, school.id, flags.policy);
    if (reviews.length === 0) io.out(`No policy reviews recorded at ${school.name}.`);
    for (const r of reviews) {
      io.out(`${dayLabel(r.reviewedOn)}  ${r.policyId.padEnd(28)} reviewed by ${r.reviewedBy}; approved by ${r.approvedBy}; ${r.changed ? 'changed' : 'no change'}; next ${dayLabel(r.nextReviewDue)} (recorded by ${r.recordedBy})`);
    }
    return 0;
  });
