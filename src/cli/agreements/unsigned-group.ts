import { calendarOf } from '../../agreements/academic-year.js';
import { accessGroupClient } from '../../agreements/access-group-client.js';
import { syncUnsignedGroup } from '../../agreements/unsigned-group.js';
import type { CommandRun } from '../command.js';
import { usageError } from '../kit/args.js';
import { withCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { unsignedGroupOptions } from './commands.js';

/** `lantern agreements unsigned-group`: make the school's access group hold exactly the unsigned accounts. */
export const syncUnsignedGroupCommand: CommandRun<typeof unsignedGroupOptions> = async ({ flags, usage }, io) => {
  if (flags['dry-run'] === flags.approve) throw usageError('Give --dry-run to see the changes, or --approve --by EMAIL to make them.', usage);
  if (flags.approve && !flags.by) throw usageError('--approve needs --by EMAIL: the member of staff who approves the change.', usage);
  return withCommandDatabase(io, { configFile: flags.config, requireSecrets: true, log: 'stderr' }, async (cli) => {
    const school = pickSchool(cli.config, flags.school);
    const client = accessGroupClient(cli.config, school);
    const mode = flags.approve && flags.by ? { dryRun: false as const, approvedBy: flags.by } : { dryRun: true as const };
    const { plan, run, failed } = await syncUnsignedGroup(cli.models, school.id, client, mode, calendarOf(school));
    io.out(`${mode.dryRun ? 'Dry run — nothing changed. ' : ''}Group ${client.group} (${client.provider}): ${plan.adds.length} to add, ${plan.removes.length} to remove, ${plan.kept} already in it.`);
    const errorOf = new Map([...run.adds, ...run.removes].filter((c) => c.error).map((c) => [c.member, c.error]));
    const line = (verb: string, c: { member: string; displayName?: string | undefined }) => {
      const error = errorOf.get(c.member);
      return `  ${verb} ${c.displayName ? `${c.displayName} <${c.member}>` : c.member}${error ? ` — not done: ${error}` : ''}`;
    };
    for (const a of plan.adds) io.out(line('add', a));
    for (const r of plan.removes) io.out(line('remove', { member: r.member, displayName: r.displayName }));
    if (plan.noAccount.length > 0) io.out(`Not in the group, no account it can hold: ${plan.noAccount.map((a) => a.displayName).join(', ')}.`);
    if (mode.dryRun) io.out('To make these changes: lantern agreements unsigned-group --approve --by EMAIL');
    else io.out(`Approved by ${run.approvedBy ?? mode.approvedBy}; recorded.${failed > 0 ? ` ${failed} change(s) failed.` : ''}`);
    return failed > 0 ? 1 : 0;
  });
};
