import type { SchoolCalendar } from './academic-year.js';
import type { Models } from '../stores.js';
import { ErrorCode, LanternError } from '../errors.js';
import type { AgreementGroupRun } from './group-run-model.js';
import { unsignedAccounts, type UnsignedAccount } from './unsigned.js';

/** A member of the group as the provider lists it. */
export interface GroupMember {
  /** What the provider takes to add or remove it: an email (Google) or an Entra object id. */
  key: string;
}

/** The group of unsigned accounts in Google Workspace or Entra: list, add and remove members. */
export interface AccessGroupClient {
  readonly provider: 'google' | 'entra';
  readonly group: string;
  /** The member key of an account, or undefined when the group cannot hold it (no email, no Entra id). */
  keyOf(account: Pick<UnsignedAccount, 'email' | 'aadObjectId'>): string | undefined;
  /** The group's user members. */
  members(): Promise<GroupMember[]>;
  add(key: string): Promise<void>;
  remove(key: string): Promise<void>;
}

/** What a sync would change: the group's membership made equal to the unsigned accounts it can hold. */
export interface GroupPlan {
  adds: { member: string; personId: string; displayName: string }[];
  removes: { member: string; personId?: string; displayName?: string }[];
  /** Unsigned people with no account the group can hold (named for IT to deal with by hand). */
  noAccount: UnsignedAccount[];
  /** How many are already members and stay. */
  kept: number;
}

/** Works out the adds and removes that make the group hold exactly the unsigned accounts. */
export async function planGroupSync(models: Models, schoolId: string, client: AccessGroupClient, now: Date, calendar: SchoolCalendar): Promise<GroupPlan> {
  const [accounts, members, people] = await Promise.all([
    unsignedAccounts(models, schoolId, now, calendar),
    client.members(),
    models.people.find({ schoolId }, { personId: 1, displayName: 1, email: 1, aadObjectId: 1 }).lean<{ personId: string; displayName: string; email?: string; aadObjectId?: string }[]>(),
  ]);
  const current = new Set(members.map((m) => m.key.toLowerCase()));
  const wanted = new Map<string, UnsignedAccount>();
  const noAccount: UnsignedAccount[] = [];
  for (const a of accounts) {
    const key = client.keyOf(a);
    if (key) wanted.set(key.toLowerCase(), a);
    else noAccount.push(a);
  }
  const byKey = new Map<string, { personId: string; displayName: string }>();
  for (const p of people) {
    const key = client.keyOf({ email: p.email ?? undefined, aadObjectId: p.aadObjectId ?? undefined });
    if (key) byKey.set(key.toLowerCase(), p);
  }
  const adds = [...wanted].filter(([key]) => !current.has(key)).map(([key, a]) => ({ member: key, personId: a.personId, displayName: a.displayName }));
  const removes = members
    .filter((m) => !wanted.has(m.key.toLowerCase()))
    .map((m) => {
      const person = byKey.get(m.key.toLowerCase());
      return { member: m.key, ...(person ? { personId: person.personId, displayName: person.displayName } : {}) };
    });
  return { adds, removes, noAccount, kept: [...wanted.keys()].filter((k) => current.has(k)).length };
}

/** How a sync run is to go: shown only, or applied with the approval of a person in the directory. */
export type GroupSyncMode = { dryRun: true } | { dryRun: false; approvedBy: string };

/** The outcome of one run: the plan, the stored record and how many changes the provider refused. */
export interface GroupSyncResult {
  plan: GroupPlan;
  run: AgreementGroupRun;
  failed: number;
}

/**
 * Syncs the group with the unsigned accounts. A dry run records the plan and changes nothing. Applying needs
 * an approver who is an active member of staff in the school's directory; the run is recorded before the
 * first change (status `applying`) and completed with each change's outcome, so a run that stops part-way
 * still says what it set out to do.
 */
export async function syncUnsignedGroup(models: Models, schoolId: string, client: AccessGroupClient, mode: GroupSyncMode, calendar: SchoolCalendar, clock: () => Date = () => new Date()): Promise<GroupSyncResult> {
  let approvedBy: string | undefined;
  if (!mode.dryRun) {
    approvedBy = mode.approvedBy.trim().toLowerCase();
    const approver = await models.people.findOne({ schoolId, email: approvedBy, active: true, role: 'staff' }, { _id: 1 }).lean();
    if (!approver) throw new LanternError(ErrorCode.UsageError, `${approvedBy} is not an active member of staff in the school's directory: --by must name the member of staff who approves the change.`);
  }
  const now = clock();
  const plan = await planGroupSync(models, schoolId, client, now, calendar);
  const base = {
    schoolId,
    provider: client.provider,
    group: client.group,
    dryRun: mode.dryRun,
    ...(approvedBy ? { approvedBy } : {}),
    at: now,
    adds: plan.adds.map((a) => ({ member: a.member, personId: a.personId })),
    removes: plan.removes.map((r) => ({ member: r.member, ...(r.personId ? { personId: r.personId } : {}) })),
    noAccount: plan.noAccount.map((a) => a.personId),
  };
  if (mode.dryRun) {
    const run = await models.agreementGroupRuns.create({ ...base, status: 'planned' });
    return { plan, run: run.toObject(), failed: 0 };
  }
  const stored = await models.agreementGroupRuns.create({ ...base, status: 'applying' });
  const attempt = async (change: { member: string; personId?: string }, act: (key: string) => Promise<void>) => {
    try {
      await act(change.member);
      return change;
    } catch (err) {
      return { ...change, error: err instanceof LanternError ? err.message : 'the provider refused the change' };
    }
  };
  const adds = [];
  for (const a of base.adds) adds.push(await attempt(a, (k) => client.add(k)));
  const removes = [];
  for (const r of base.removes) removes.push(await attempt(r, (k) => client.remove(k)));
  const run = await models.agreementGroupRuns.findByIdAndUpdate(stored._id, { $set: { status: 'done', adds, removes } }, { returnDocument: 'after' }).lean<AgreementGroupRun>();
  return { plan, run: run as AgreementGroupRun, failed: [...adds, ...removes].filter((c) => 'error' in c).length };
}
