import type { LanternConfig, School } from '../config/load.js';
import { isDuplicateKey } from '../db/errors.js';
import type { Logger } from '../log/logger.js';
import type { Models } from '../stores.js';
import { applyChange } from './act.js';
import { breachClockStart } from './breach.js';
import { composeBreachEmail } from './breach-mail.js';
import { BREACH_NOTICES, type BreachNoticeKind } from './breach-notice-model.js';
import type { CaseDoc } from './case-model.js';
import type { CaseNotifier } from './ports.js';
import { LANTERN_ACTOR } from './timeline-model.js';

/** Hours after the clock starts at which the DPO is reminded (the first notice goes at once). */
const REMIND_AT_HOURS: Record<BreachNoticeKind, number> = { told: 0, '48h': 48, '66h': 66 };
/** A claim not marked sent after this long belongs to an instance that died mid-send: take it again. */
const STALE_CLAIM_MS = 15 * 60_000;

const WORDS: Record<BreachNoticeKind, string> = { told: 'the first notice', '48h': 'the 48-hour reminder', '66h': 'the 66-hour reminder' };

/** What sends the DPO's emails (a src/mail transport). */
export interface BreachMailSender {
  send(raw: Buffer, sender: string): Promise<{ providerMessageId: string | null }>;
}

/** What the breach-notice job needs; `mailFor` builds the school's transport (a stand-in's in tests). */
export interface BreachNoticeDeps {
  config: LanternConfig;
  stores: Models;
  notifier: CaseNotifier;
  logger: Logger;
  clock: () => Date;
  mailFor: (school: School) => BreachMailSender;
}

type OpenBreach = Pick<CaseDoc, 'caseId' | 'number' | 'category' | 'breachHow'> & { dpoDeadline: Date };

/** The notices due for a breach now: the first notice, and the latest reminder reached (earlier ones it overtook are skipped). */
function dueNotices(clockStart: Date, now: Date): { send: BreachNoticeKind[]; skip: BreachNoticeKind[] } {
  const reached = BREACH_NOTICES.filter((k) => k !== 'told' && now.getTime() >= clockStart.getTime() + REMIND_AT_HOURS[k] * 3_600_000);
  return { send: ['told', ...reached.slice(-1)], skip: reached.slice(0, -1) };
}

/** Claims one notice for this instance: true when the insert succeeded (or a stale claim was taken over). */
async function claim(stores: Models, school: School, caseId: string, kind: BreachNoticeKind, now: Date, skipped = false): Promise<boolean> {
  const _id = `${caseId}:${kind}`;
  try {
    await stores.breachNotices.create({ _id, schoolId: school.id, caseId, kind, claimedAt: now, skipped });
    return true;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
  const held = await stores.breachNotices.findById(_id).lean<{ sentAt: Date | null; skipped: boolean; claimedAt: Date }>();
  if (!held || held.sentAt || held.skipped || held.claimedAt.getTime() > now.getTime() - STALE_CLAIM_MS) return false;
  // Deleting by the old claim time lets only one instance take the stale claim over.
  const removed = await stores.breachNotices.deleteOne({ _id, claimedAt: held.claimedAt, sentAt: null });
  return removed.deletedCount === 1 ? claim(stores, school, caseId, kind, now, skipped) : false;
}

async function sendNotice(deps: BreachNoticeDeps, school: School, breach: OpenBreach, kind: BreachNoticeKind, log: Logger): Promise<boolean> {
  const dpo = school.dpo;
  const from = dpo?.sender ?? school.digest?.sender;
  if (!dpo || !from) return false;
  const now = deps.clock();
  if (!(await claim(deps.stores, school, breach.caseId, kind, now))) return false;
  const _id = `${breach.caseId}:${kind}`;
  const publicUrl = deps.config.server.publicUrl?.replace(/\/$/, '');
  try {
    const raw = await composeBreachEmail({
      school, from, kind, number: breach.number, category: breach.category, how: breach.breachHow === 'manual' ? 'manual' : 'detection',
      clockStart: breachClockStart(breach.dpoDeadline), deadline: breach.dpoDeadline,
      link: publicUrl ? `${publicUrl}/dashboard/${school.id}/cases/${breach.number}` : null,
    });
    const sent = await deps.mailFor(school).send(raw, from);
    await deps.stores.breachNotices.updateOne({ _id }, { $set: { sentAt: deps.clock(), providerMessageId: sent.providerMessageId } });
  } catch (err) {
    // Released, so the next run (here or on another instance) tries again.
    await deps.stores.breachNotices.deleteOne({ _id, sentAt: null });
    log.warn({ err, kind }, 'could not email the data protection officer');
    return false;
  }
  await applyChange(deps.stores, school.id, breach.caseId, LANTERN_ACTOR, () => ({ ok: true, action: 'dpo-told', after: {}, note: `Emailed the data protection officer (${dpo.name}): ${WORDS[kind]}.` }), deps.clock);
  await deps.notifier.publish(school, breach.caseId).catch(() => 'queued');
  return true;
}

/**
 * Tells each school's DPO about every possible breach that has no decision yet: once when the clock starts,
 * then at 48 and 66 hours. Each email is sent exactly once across instances (a unique claim per case and kind).
 */
export async function runBreachNotices(deps: BreachNoticeDeps): Promise<{ sent: number }> {
  let sent = 0;
  for (const school of deps.config.schools) {
    if (!school.dpo) continue;
    const log = deps.logger.child({ schoolId: school.id, job: 'cases.breach-notices' });
    const open = await deps.stores.cases.find({ schoolId: school.id, dpoDeadline: { $ne: null }, breachDecision: null }).select({ caseId: 1, number: 1, category: 1, breachHow: 1, dpoDeadline: 1 }).lean<OpenBreach[]>();
    if (open.length === 0) continue;
    const notices = await deps.stores.breachNotices.find({ caseId: { $in: open.map((c) => c.caseId) } }).select({ _id: 1, sentAt: 1, skipped: 1 }).lean<{ _id: string; sentAt: Date | null; skipped: boolean }[]>();
    const done = new Set(notices.filter((n) => n.sentAt || n.skipped).map((n) => n._id));
    const now = deps.clock();
    for (const breach of open) {
      const due = dueNotices(breachClockStart(breach.dpoDeadline), now);
      for (const kind of due.skip) if (!done.has(`${breach.caseId}:${kind}`)) await claim(deps.stores, school, breach.caseId, kind, now, true);
      for (const kind of due.send) {
        if (done.has(`${breach.caseId}:${kind}`)) continue;
        if (await sendNotice(deps, school, breach, kind, log)) sent += 1;
      }
    }
  }
  return { sent };
}

/** When the DPO was first told of a breach, per case id (for the register). */
export async function dpoToldAt(stores: Pick<Models, 'breachNotices'>, caseIds: readonly string[]): Promise<Map<string, Date>> {
  const rows = await stores.breachNotices.find({ caseId: { $in: [...caseIds] }, kind: 'told', sentAt: { $ne: null } }).lean<{ caseId: string; sentAt: Date }[]>();
  return new Map(rows.map((r) => [r.caseId, r.sentAt]));
}
