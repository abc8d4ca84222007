import { planCampaign, type PlannedRecipient } from '../../agreements/campaigns.js';
import { parseAudienceSpec } from '../../agreements/export.js';
import { findTemplate, loadPolicyLibrary } from '../../agreements/library.js';
import { NOT_REACHABLE } from '../../teams/send/cards.js';
import { currentVersion, publishVersion, type ChangeKind } from '../../agreements/versions.js';
import { ErrorCode, LanternError } from '../../errors.js';
import { startCampaign } from '../../agreements/start-campaign.js';
import type { CliIO, CommandRun } from '../command.js';
import { withCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { issueOptions } from './commands.js';

function describe(io: CliIO, label: string, people: PlannedRecipient[]): void {
  if (people.length === 0) return;
  io.out(`  ${label} (${people.length}):`);
  for (const r of people) io.out(`    ${r.person.displayName} — ${r.person.jobTitle ?? r.person.role}${r.person.form ? `, ${r.person.form}` : ''}`);
}

/** `lantern agreements issue`: publishes the policy text if it changed and starts a campaign (or shows who would get what). */
export const issueAgreement: CommandRun<typeof issueOptions> = async ({ flags, positionals, usage }, io) => {
    const policyId = positionals[0];
    if (!policyId || positionals.length > 1) throw new LanternError(ErrorCode.UsageError, `Name one policy from the library.\nUsage: ${usage}`);
    const change = flags.change;
    if (change && change !== 'material' && change !== 'minor') throw new LanternError(ErrorCode.UsageError, '--change must be material (everyone signs again) or minor (no re-signing).');
    const reminders = (flags.reminders ?? '3,7,14').split(',').map((d) => Number(d.trim()));
    const now = new Date();
    const dueText = flags.due;
    const dueAt = dueText ? new Date(`${dueText}T17:00:00Z`) : new Date(now.getTime() + 14 * 86_400_000);
    if (Number.isNaN(dueAt.getTime())) throw new LanternError(ErrorCode.UsageError, `--due ${dueText} is not a date: use YYYY-MM-DD.`);
    const template = findTemplate(loadPolicyLibrary(), policyId);
    return withCommandDatabase(io, { configFile: flags.config }, async (cli) => {
      const school = pickSchool(cli.config, flags.school);
      const dryRun = flags['dry-run'] === true;
      const by = flags.by ?? io.env.USER ?? 'cli';
      const version = dryRun
        ? ((await currentVersion(cli.models, school.id, template.id)) ?? null)
        : (await publishVersion(cli.models, template, { schoolId: school.id, by, ...(change ? { change: change as ChangeKind } : {}), ...(flags.reason ? { reason: flags.reason as string } : {}) })).version;
      const audienceSpec = flags.audience;
      const audience = audienceSpec ? parseAudienceSpec(audienceSpec) : template.audience;
      const request = {
        schoolId: school.id,
        version: version ?? ({ _id: '(not yet published)', policyId: template.id, number: 1, audience: template.audience } as never),
        audience,
        dueAt,
        reminderDays: reminders,
        ...(flags.escalate ? { escalateTo: flags.escalate as string } : {}),
        createdBy: by,
        reason: flags.reason ?? `Issued from the command line by ${by}`,
        ...(flags.key ? { key: flags.key as string } : {}),
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
    });
};
