import { planCampaign, type PlannedRecipient } from '../agreements/campaigns.js';
import { parseAudienceSpec } from '../agreements/export.js';
import { findTemplate, loadPolicyLibrary } from '../agreements/library.js';
import { NOT_REACHABLE } from '../agreements/send-cards.js';
import { currentVersion, publishVersion, type ChangeKind } from '../agreements/versions.js';
import { ErrorCode, LanternError } from '../errors.js';
import { startCampaign } from '../agreements/start-campaign.js';
import { flag, openAgreementsCli, parseFlags, pickSchool } from './agreements-context.js';
import type { CliCommand, CliIO } from './command.js';

const USAGE =
  'lantern agreements issue POLICY [--audience staff,year:1,form:Robins] [--due YYYY-MM-DD] [--reminders 3,7,14] [--escalate EMAIL] [--change material|minor --reason TEXT] [--by NAME] [--key KEY] [--school ID] [--config FILE] [--dry-run]';
// --key makes issuing idempotent: the same policy, version and key is one campaign however often it is issued.

function describe(io: CliIO, label: string, people: PlannedRecipient[]): void {
  if (people.length === 0) return;
  io.out(`  ${label} (${people.length}):`);
  for (const r of people) io.out(`    ${r.person.displayName} — ${r.person.jobTitle ?? r.person.role}${r.person.form ? `, ${r.person.form}` : ''}`);
}

/** `lantern agreements issue`: publishes the policy text if it changed and starts a campaign (or shows who would get what). */
export const agreementsIssueCommand: CliCommand = {
  summary: 'Issue an agreement to an audience with a due date and reminders (--dry-run shows who would receive what)',
  usage: USAGE,
  async run(args, io) {
    const { flags, positional } = parseFlags(args, {
      audience: 'value', due: 'value', reminders: 'value', escalate: 'value', change: 'value', reason: 'value', by: 'value', school: 'value', config: 'value', key: 'value', 'dry-run': 'bool',
    });
    const policyId = positional[0];
    if (!policyId || positional.length > 1) throw new LanternError(ErrorCode.UsageError, `Name one policy from the library.\nUsage: ${USAGE}`);
    const change = flag(flags, 'change');
    if (change && change !== 'material' && change !== 'minor') throw new LanternError(ErrorCode.UsageError, '--change must be material (everyone signs again) or minor (no re-signing).');
    const reminders = (flag(flags, 'reminders') ?? '3,7,14').split(',').map((d) => Number(d.trim()));
    const now = new Date();
    const dueText = flag(flags, 'due');
    const dueAt = dueText ? new Date(`${dueText}T17:00:00Z`) : new Date(now.getTime() + 14 * 86_400_000);
    if (Number.isNaN(dueAt.getTime())) throw new LanternError(ErrorCode.UsageError, `--due ${dueText} is not a date: use YYYY-MM-DD.`);
    const template = findTemplate(loadPolicyLibrary(), policyId);
    const cli = await openAgreementsCli(io, flag(flags, 'config'));
    try {
      const school = pickSchool(cli.config, flag(flags, 'school'));
      const dryRun = flags['dry-run'] === true;
      const by = flag(flags, 'by') ?? io.env.USER ?? 'cli';
      const version = dryRun
        ? ((await currentVersion(cli.models, school.id, template.id)) ?? null)
        : (await publishVersion(cli.models, template, { schoolId: school.id, by, ...(change ? { change: change as ChangeKind } : {}), ...(flag(flags, 'reason') ? { reason: flag(flags, 'reason') as string } : {}) })).version;
      const audienceSpec = flag(flags, 'audience');
      const audience = audienceSpec ? parseAudienceSpec(audienceSpec) : template.audience;
      const request = {
        schoolId: school.id,
        version: version ?? ({ _id: '(not yet published)', policyId: template.id, number: 1, audience: template.audience } as never),
        audience,
        dueAt,
        reminderDays: reminders,
        ...(flag(flags, 'escalate') ? { escalateTo: flag(flags, 'escalate') as string } : {}),
        createdBy: by,
        reason: flag(flags, 'reason') ?? `Issued from the command line by ${by}`,
        ...(flag(flags, 'key') ? { key: flag(flags, 'key') as string } : {}),
      };
      if (dryRun) {
        const plan = await planCampaign(cli.models, request, now);
        io.out(`Dry run — nothing sent. "${template.title}" ${version ? `version ${version.number}` : '(would be published as version 1)'} to ${plan.recipients.length} people, due ${dueAt.toISOString().slice(0, 10)}, reminders after ${reminders.join(', ')} days:`);
        describe(io, 'a card in Teams', plan.recipients.filter((r) => r.via === 'card' && r.reachable));
        describe(io, NOT_REACHABLE, plan.recipients.filter((r) => r.via === 'card' && !r.reachable));
        describe(io, 'signed for by their teacher in class ("class agreement")', plan.recipients.filter((r) => r.via === 'teacher'));
        describe(io, 'not sent (no Teams channel for this role yet)', plan.recipients.filter((r) => r.via === 'not-sent'));
        return 0;
      }
      const result = await startCampaign(cli.models, request, now);
      io.out(`${result.created ? 'Issued' : 'Already issued'} ${result.campaign._id}: ${result.queued} card(s) queued; the running server sends them. ${result.unreachable} ${NOT_REACHABLE}.`);
      return 0;
    } finally {
      await cli.close();
    }
  },
};
