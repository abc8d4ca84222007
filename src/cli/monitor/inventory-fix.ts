import { remediationEnabled } from '../../cases/settings.js';
import type { School } from '../../config/load.js';
import { ErrorCode, LanternError } from '../../errors.js';
import { approveInventoryFixes, planInventoryFixes, type InventoryFixKind } from '../../monitoring/inventory/fix.js';
import { PRIORITIES, type Priority } from '../../monitoring/inventory/types.js';
import type { CommandRun } from '../command.js';
import { withCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { inventoryFixOptions } from './commands.js';

const KINDS: readonly InventoryFixKind[] = ['remove-public-link', 'remove-external-access'];

/** Only the DSL team and the IT team may ask for or approve a change to the school's sharing. */
function mayFix(school: School, email: string): boolean {
  const who = email.toLowerCase();
  return school.dsl.members.some((m) => m.email.toLowerCase() === who) || (school.it?.members ?? []).some((m) => m.email.toLowerCase() === who);
}

/**
 * `lantern monitor inventory fix`: the existing remediation path for what the inventory found. `--dry-run` asks
 * Google or Microsoft what each file's sharing is now and records exactly what would be removed under a request id;
 * `--approve ID` carries out exactly that, once, recording who approved and each answer.
 */
export const fixInventory: CommandRun<typeof inventoryFixOptions> = async ({ flags, usage }, io) => {
  const dryRun = flags['dry-run'] === true;
  if (dryRun === (flags.approve !== undefined)) throw new LanternError(ErrorCode.UsageError, `Say --dry-run to see what would change, or --approve REQUEST_ID to make the change a dry run showed.\nUsage: ${usage}`);
  if (!flags.by) throw new LanternError(ErrorCode.UsageError, `--by EMAIL is required: who asks for or approves the change is recorded.\nUsage: ${usage}`);
  const by = flags.by;
  return withCommandDatabase(io, { requireSecrets: true, log: 'stderr' }, async ({ config, models }) => {
    const school = pickSchool(config, flags.school);
    if (!mayFix(school, by)) throw new LanternError(ErrorCode.UsageError, `${by} is not on ${school.name}'s DSL team or IT team (schools[].dsl.members, schools[].it.members), so cannot ask for or approve a fix.`);
    if (dryRun) {
      const kind = flags.kind as InventoryFixKind | undefined;
      if (!kind || !KINDS.includes(kind)) throw new LanternError(ErrorCode.UsageError, `--kind must be remove-public-link or remove-external-access.\nUsage: ${usage}`);
      const priority = flags.priority as Priority | undefined;
      if (priority !== undefined && !PRIORITIES.includes(priority)) throw new LanternError(ErrorCode.UsageError, `--priority must be high, medium or low.\nUsage: ${usage}`);
      const itemIds = flags.item?.split(',').map((s) => s.trim()).filter(Boolean);
      if (!itemIds?.length && !priority) throw new LanternError(ErrorCode.UsageError, `Name the files with --item ID[,ID…] or choose them with --priority high|medium|low.\nUsage: ${usage}`);
      const plan = await planInventoryFixes(models, config, school, { kind, requestedBy: by, now: new Date(), ...(itemIds?.length ? { itemIds } : {}), ...(priority ? { priority } : {}) });
      let steps = 0;
      for (const fix of plan.fixes) {
        if (fix.reason) io.out(`  ${fix.itemId}: ${fix.reason}`);
        for (const s of fix.steps) io.out(`  ${fix.itemId} (${fix.owner}): would remove ${s.who} (${s.what})`);
        steps += fix.steps.length;
      }
      io.out(`Dry run — nothing has changed. ${steps} permission(s) on ${plan.fixes.filter((f) => f.steps.length).length} file(s) would be removed.`);
      if (steps) io.out(`To make exactly these changes: lantern monitor inventory fix --approve ${plan.requestId} --by EMAIL${flags.school ? ` --school ${school.id}` : ''}`);
      return 0;
    }
    if (!remediationEnabled(school)) throw new LanternError(ErrorCode.UsageError, `Nothing was changed: remediation is switched off for ${school.name} (schools[].remediation.enabled).`);
    const applied = await approveInventoryFixes(models, config, school, { requestId: String(flags.approve), approvedBy: by, now: new Date() });
    if (applied.length === 0) throw new LanternError(ErrorCode.UsageError, `There is no dry run ${flags.approve} with anything to remove: run the dry run again.`);
    let failed = 0;
    for (const a of applied) {
      if (a.skipped) io.out(`  ${a.itemId}: not changed, ${a.skipped}`);
      for (const r of a.results) {
        const ok = r.status >= 200 && r.status < 300;
        if (!ok) failed++;
        io.out(`  ${a.itemId}: ${r.id} → ${ok ? 'removed' : `FAILED (${r.status}${r.error ? ` ${r.error}` : ''})`}`);
      }
    }
    io.out(`Recorded: approved by ${by}; ${failed ? `${failed} removal(s) failed — ask your IT manager to check` : 'every removal done'}.`);
    return failed ? 1 : 0;
  });
};
