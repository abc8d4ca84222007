import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checklistTemplate, parseChecklist } from '../../records/fnm-checklist.js';
import { fnmHistory, recordFilterCheck, recordFnmReview } from '../../records/fnm.js';
import { dayLabel, invalid } from '../../records/input.js';
import { recordsSettings } from '../../records/settings.js';
import type { CommandRun } from '../command.js';
import { usageError } from '../kit/args.js';
import { withCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { fnmCheckOptions, fnmReviewOptions, fnmStatusOptions } from './commands.js';

const DAY = 86_400_000;

/** `lantern fnm review`: records the annual filtering and monitoring review from a filled-in checklist. */
export const recordAnnualReview: CommandRun<typeof fnmReviewOptions> = async ({ flags, usage }, io) => {
  if (flags.template === true) {
    io.out(checklistTemplate().trimEnd());
    return 0;
  }
  if (!flags.checklist) throw usageError('Give the filled-in checklist with --checklist FILE (start from `lantern fnm review --template > checklist.csv`).', usage);
  const file = path.resolve(io.cwd, flags.checklist);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw invalid(`Cannot read the checklist ${file}: check the path.`);
  }
  const checklist = parseChecklist(text, flags.checklist);
  return withCommandDatabase(io, { configFile: flags.config }, async (cli) => {
    const school = pickSchool(cli.config, flags.school);
    const dryRun = flags['dry-run'] === true;
    const review = await recordFnmReview(cli.models, school.id, { reviewedOn: flags.date, participants: flags.participants, checklist, actions: flags.actions, by: flags.by }, new Date(), dryRun);
    const notMet = review.checklist.filter((c) => c.outcome !== 'met').length;
    io.out(`${dryRun ? 'Dry run — nothing recorded: would record' : 'Recorded'} the annual filtering and monitoring review of ${dayLabel(review.reviewedOn)}: ${review.participants.length} people, ${review.checklist.length} checklist points (${notMet} not fully met), ${review.actions.length} actions.`);
    return 0;
  });
};

/** `lantern fnm check`: logs one filter check now. */
export const logFilterCheck: CommandRun<typeof fnmCheckOptions> = async ({ flags }, io) =>
  withCommandDatabase(io, { configFile: flags.config }, async (cli) => {
    const school = pickSchool(cli.config, flags.school);
    const dryRun = flags['dry-run'] === true;
    const check = await recordFilterCheck(cli.models, school.id, { tested: flags.tested, result: flags.result, note: flags.note, by: flags.by, via: 'cli' }, new Date(), dryRun);
    io.out(`${dryRun ? 'Dry run — nothing recorded: would log' : 'Logged'} a filter check (${check.result}) by ${check.checkedBy}: ${check.tested}.`);
    return 0;
  });

/** `lantern fnm status`: the last annual review, the recent checks, and whether either is overdue. */
export const showFnmStatus: CommandRun<typeof fnmStatusOptions> = async ({ flags }, io) =>
  withCommandDatabase(io, { configFile: flags.config }, async (cli) => {
    const school = pickSchool(cli.config, flags.school);
    const now = new Date();
    const { reviews, checks } = await fnmHistory(cli.models, school.id);
    const last = reviews[0];
    if (last) {
      const due = new Date(last.reviewedOn);
      due.setUTCFullYear(due.getUTCFullYear() + 1);
      io.out(`Annual review: ${dayLabel(last.reviewedOn)} with ${last.participants.join(', ')}; next due ${dayLabel(due)}${due <= now ? ' — OVERDUE' : ''}.`);
      for (const action of last.actions) io.out(`  action: ${action}`);
    } else {
      io.out(`Annual review: none recorded${school.digest?.annualReviewDate ? ` (the config file says ${school.digest.annualReviewDate})` : ''}.`);
    }
    const every = recordsSettings(school).filterCheckEveryDays;
    const latest = checks[0];
    if (!latest || now.getTime() - latest.checkedAt.getTime() > every * DAY) io.out(`Filter checks: MISSED — none in the last ${every} days.`);
    for (const c of checks) io.out(`  ${c.checkedAt.toISOString().slice(0, 16).replace('T', ' ')}  ${c.result.padEnd(4)}  ${c.tested} (${c.checkedBy}, ${c.via})`);
    return 0;
  });
