import { randomUUID } from 'node:crypto';
import type { LanternConfig, School } from '../../config/load.js';
import { performDriveRemoval, planDriveRemoval } from '../../cases/drive-remediation.js';
import { performGraphSharingRemoval, planGraphItemRemoval } from '../../cases/graph-sharing-remediation.js';
import type { PlannedStep, StepResult } from '../../cases/remediation-types.js';
import { isDuplicateKey } from '../../db/errors.js';
import type { Models } from '../../stores.js';
import type { Priority } from './types.js';

type FixModels = Pick<Models, 'inventoryItems' | 'inventoryFixes' | 'inventoryFixApprovals' | 'inventoryRuns'>;

/** The fixes the inventory offers, the same two the case cards offer for sharing. */
export type InventoryFixKind = 'remove-public-link' | 'remove-external-access';

/** Which exposed files a dry run covers: by id, or every file of the latest runs at a priority. */
export interface FixSelection {
  itemIds?: readonly string[];
  priority?: Priority;
}

/** One file's dry run: what would be removed, or why nothing would. */
export interface PlannedFix {
  itemId: string;
  source: 'google' | 'microsoft';
  owner: string;
  steps: PlannedStep[];
  /** Set when nothing can or need be removed. */
  reason?: string;
}

/** One file's outcome after approval. */
export interface AppliedFix {
  itemId: string;
  results: StepResult[];
  /** Set when this fix was not carried out (already approved by someone, or nothing planned). */
  skipped?: string;
}

const SHARE_KIND_OF_FIX: Record<InventoryFixKind, readonly string[]> = {
  'remove-public-link': ['anyone-with-link'],
  'remove-external-access': ['external-domain', 'external-user'],
};

async function latestRunIds(models: FixModels, schoolId: string): Promise<string[]> {
  const runs = await models.inventoryRuns.find({ schoolId, status: { $in: ['done', 'running'] } }).sort({ startedAt: -1 }).lean();
  const latest = new Map<string, string>();
  for (const r of runs) if (!latest.has(r.source)) latest.set(r.source, r.runId);
  return [...latest.values()];
}

/**
 * The dry run: asks Google or Microsoft, file by file, what is there now and records exactly what the fix would
 * remove, under one request id to approve. Nothing changes.
 */
export async function planInventoryFixes(
  models: FixModels,
  config: LanternConfig,
  school: School,
  input: FixSelection & { kind: InventoryFixKind; requestedBy: string; now: Date },
): Promise<{ requestId: string; fixes: PlannedFix[] }> {
  const runIds = await latestRunIds(models, school.id);
  const filter = input.itemIds?.length ? { _id: { $in: [...input.itemIds] }, schoolId: school.id } : { schoolId: school.id, runId: { $in: runIds }, priority: input.priority ?? 'high' };
  const items = (await models.inventoryItems.find(filter).sort({ score: -1 }).lean()).filter((i) => i.kinds.some((k) => SHARE_KIND_OF_FIX[input.kind].includes(k)));
  const requestId = randomUUID().slice(0, 8);
  const fixes: PlannedFix[] = [];
  for (const item of items) {
    const itemId = String(item._id);
    let steps: PlannedStep[] = [];
    let reason: string | undefined;
    try {
      if (item.source === 'google') {
        const removals = await planDriveRemoval(config, school, { fileId: item.fileId, owner: item.owner, kind: input.kind });
        steps = removals.map((r) => ({ id: r.permissionId, who: r.who, what: r.role }));
      } else if (item.driveId) {
        steps = await planGraphItemRemoval(config, school, { item: { driveId: item.driveId, itemId: item.fileId }, kind: input.kind });
      } else reason = 'Microsoft did not say which drive the item is in.';
    } catch (err) {
      reason = `${item.source === 'google' ? 'Google' : 'Microsoft'} did not answer the check (${(err as { status?: unknown }).status ?? 'no answer'}).`;
    }
    if (!reason && steps.length === 0) reason = 'Nothing to remove: the file has no such sharing now.';
    fixes.push({ itemId, source: item.source, owner: item.owner, steps, ...(reason ? { reason } : {}) });
    if (steps.length) {
      await models.inventoryFixes.create({ _id: `${requestId}:${itemId}`, schoolId: school.id, requestId, itemId, source: item.source, kind: input.kind, requestedBy: input.requestedBy, requestedAt: input.now, steps });
    }
  }
  return { requestId, fixes };
}

/**
 * The explicit approval of a dry run: for each of its fixes, claims it with a unique insert naming who approved
 * (so two approvals at once carry it out once), removes exactly the previewed permissions, and records each answer.
 */
export async function approveInventoryFixes(models: FixModels, config: LanternConfig, school: School, input: { requestId: string; approvedBy: string; now: Date }): Promise<AppliedFix[]> {
  const fixes = await models.inventoryFixes.find({ schoolId: school.id, requestId: input.requestId }).lean();
  const applied: AppliedFix[] = [];
  for (const fix of fixes) {
    try {
      await models.inventoryFixApprovals.create({ _id: fix._id, schoolId: school.id, approvedBy: input.approvedBy, approvedAt: input.now });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const earlier = await models.inventoryFixApprovals.findById(fix._id).lean();
      applied.push({ itemId: fix.itemId, results: [], skipped: `already approved by ${earlier?.approvedBy ?? 'someone'}` });
      continue;
    }
    const item = await models.inventoryItems.findById(fix.itemId).lean();
    let results: StepResult[];
    if (!item) results = fix.steps.map((s) => ({ id: s.id, status: 0, error: 'the file is no longer in the inventory' }));
    else if (fix.source === 'google') {
      results = (await performDriveRemoval(config, { fileId: item.fileId, owner: item.owner, removals: fix.steps.map((s) => ({ permissionId: s.id, type: '', role: s.what, who: s.who })) })).map((r) => ({ id: r.permissionId, status: r.status, ...(r.error ? { error: r.error } : {}) }));
    } else results = await performGraphSharingRemoval(config, school, { item: { driveId: String(item.driveId), itemId: item.fileId }, steps: fix.steps });
    await models.inventoryFixApprovals.updateOne({ _id: fix._id }, { $set: { results } });
    applied.push({ itemId: fix.itemId, results });
  }
  return applied;
}
