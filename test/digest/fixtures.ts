import type { Connection } from 'mongoose';
import type { Models } from '../../src/stores.js';
import { demoDirectory } from '../../src/directory/demo-directory.js';
import { syncDirectory } from '../../src/directory/sync.js';

/** The week the fixtures describe (16–22 Nov 2026) and the moment the digest is built. */
export const WEEK = { year: 2026, week: 47 } as const;
export const NOW = new Date('2026-11-23T07:00:00Z');

const H = 3_600_000;
const at = (iso: string) => new Date(iso);

/** A pupil's name and a file title planted in fields the digest must never show. */
export const PLANTED = { pupilName: 'Ava Adebayo', fileTitle: 'Year 6 SEN register.xlsx' };

/**
 * Inserts documents straight into the collections the digest reads (as the other capabilities would store
 * them), including pupil names, emails and a file title in fields the digest must not show.
 */
export async function insertFixtures(conn: Connection, models: Models, schoolId = 'northgate'): Promise<void> {
  await syncDirectory(models.people, schoolId, demoDirectory());
  const people = demoDirectory();
  const pupilsY3 = people.filter((p) => p.role === 'pupil' && p.yearGroup === '3');
  const staff = people.filter((p) => p.role === 'staff');
  const pupilEmail = people.find((p) => p.role === 'pupil')?.email ?? '';
  const db = conn.db;
  if (!db) throw new Error('no db');
  const leak = { summary: `${PLANTED.pupilName} shared "${PLANTED.fileTitle}" publicly`, subjects: [pupilEmail], reporter: { email: 'a.wilber@northgate.example', name: 'Alex Wilber' }, where: PLANTED.fileTitle };
  const kase = (caseId: string, openedAt: string, category: string, severity: string, status: string, ackHours: number | null) => ({
    schoolId, caseId, number: `NGP-2026-${caseId}`, openedAt: at(openedAt), category, severity, status, acknowledgedAt: ackHours === null ? null : new Date(at(openedAt).getTime() + ackHours * H), ...leak,
  });
  await db.collection('cases').insertMany([
    kase('c1', '2026-11-17T10:00:00Z', 'contact', 'high', 'acknowledged', 1),
    kase('c2', '2026-11-18T09:00:00Z', 'conduct', 'medium', 'closed', 0.5),
    kase('c3', '2026-11-19T09:00:00Z', 'conduct', 'low', 'new', null),
    kase('c4', '2026-11-20T09:00:00Z', 'security', 'critical', 'investigating', 2),
    kase('c5', '2026-11-21T09:00:00Z', 'conduct', 'medium', 'new', null),
    kase('c6', '2026-11-02T09:00:00Z', 'content', 'high', 'escalated', 3),
    kase('c7', '2026-10-12T09:00:00Z', 'commerce', 'low', 'closed', 4),
  ]);
  await db.collection('case_timeline').insertMany([
    { schoolId, caseId: 'c2', seq: 3, action: 'closed', at: at('2026-11-19T09:00:00Z'), note: PLANTED.pupilName },
    { schoolId, caseId: 'c7', seq: 3, action: 'closed', at: at('2026-10-13T09:00:00Z'), note: PLANTED.pupilName },
  ]);

  await db.collection('agreement_versions').insertMany([
    { _id: 'v-staff' as never, schoolId, policyId: 'staff-aua', number: 1, kind: 'agreement', title: 'Staff acceptable use agreement', reviewDue: at('2026-09-01T00:00:00Z'), signGroup: 1, yearly: false },
    { _id: 'v-ks2' as never, schoolId, policyId: 'ks2-aua', number: 1, kind: 'agreement', title: 'KS2 pupil agreement', reviewDue: at('2027-07-01T00:00:00Z'), signGroup: 1, yearly: false },
    { _id: 'v-audit' as never, schoolId, policyId: 'training-audit', number: 1, kind: 'questionnaire', title: 'Training self-audit', reviewDue: at('2027-09-01T00:00:00Z'), signGroup: 1, yearly: false },
  ]);
  await db.collection('agreement_campaigns').insertMany([
    { _id: 'camp-staff' as never, schoolId, policyId: 'staff-aua', versionId: 'v-staff', status: 'open', audience: { roles: ['staff'] } },
    { _id: 'camp-y3' as never, schoolId, policyId: 'ks2-aua', versionId: 'v-ks2', status: 'open', audience: { roles: ['pupil'], yearGroups: ['3'] } },
    { _id: 'camp-audit' as never, schoolId, policyId: 'training-audit', versionId: 'v-audit', status: 'open', audience: { roles: ['staff'] } },
  ]);
  await db.collection('agreement_sends').insertMany([
    ...staff.map((p) => ({ _id: `s-${p.personId}` as never, schoolId, campaignId: 'camp-staff', personId: p.personId, status: 'sent' })),
    ...pupilsY3.map((p) => ({ _id: `y-${p.personId}` as never, schoolId, campaignId: 'camp-y3', personId: p.personId, status: 'sent' })),
    ...staff.map((p) => ({ _id: `a-${p.personId}` as never, schoolId, campaignId: 'camp-audit', personId: p.personId, status: 'sent' })),
  ]);
  await db.collection('agreement_signatures').insertMany([
    ...staff.slice(0, 12).map((p, i) => ({ schoolId, seq: i + 1, versionId: 'v-staff', signerId: p.personId, onBehalfOfId: null, outcome: 'agreed' })),
    // 9 of the 10 Year 3 pupils, signed by their teacher on their behalf: 1 outstanding must be suppressed.
    ...pupilsY3.slice(0, 9).map((p, i) => ({ schoolId, seq: 100 + i, versionId: 'v-ks2', signerId: 'staff-005', onBehalfOfId: p.personId, outcome: 'agreed' })),
    // The training self-audit is done by answering it: 5 answered; an "I agree" on it does not count.
    ...staff.slice(0, 5).map((p, i) => ({ schoolId, seq: 200 + i, versionId: 'v-audit', signerId: p.personId, onBehalfOfId: null, outcome: 'answered' })),
    { schoolId, seq: 210, versionId: 'v-audit', signerId: staff[6]?.personId, onBehalfOfId: null, outcome: 'agreed' },
  ]);
  await db.collection('agreement_audit_answers').insertMany(staff.slice(0, 5).map((p) => ({ _id: `aa-${p.personId}` as never, schoolId, versionId: 'v-audit', personId: p.personId })));

  await db.collection('monitor_checkpoints').insertMany([
    { _id: `${schoolId}|google.drive` as never, schoolId, source: 'google', stream: 'drive', lastGoodRunAt: new Date(NOW.getTime() - 1 * H) },
    { _id: `${schoolId}|google.login` as never, schoolId, source: 'google', stream: 'login', lastGoodRunAt: new Date(NOW.getTime() - 30 * H) },
  ]);
  await db.collection('detections').insertMany([
    { _id: 'd1' as never, schoolId, family: 'sharing.public_link', actor: pupilEmail, summary: leak.summary, createdAt: at('2026-11-17T10:00:00Z') },
    { _id: 'd2' as never, schoolId, family: 'sharing.public_link', actor: pupilEmail, summary: leak.summary, createdAt: at('2026-11-18T10:00:00Z') },
    { _id: 'd3' as never, schoolId, family: 'email.external_forwarding', actor: 'h.carter@northgate.example', summary: 'x', createdAt: at('2026-11-18T11:00:00Z') },
    { _id: 'd4' as never, schoolId, family: 'email.external_forwarding', actor: 'h.carter@northgate.example', summary: 'x', createdAt: at('2026-11-18T12:00:00Z') },
    { _id: 'd5' as never, schoolId, family: 'email.external_forwarding', actor: 'h.carter@northgate.example', summary: 'x', createdAt: at('2026-11-19T12:00:00Z') },
  ]);
  await db.collection('monitoring_changes').insertMany([
    { schoolId, seq: 1, at: at('2026-11-18T14:00:00Z'), who: 's.whitfield@northgate.example', why: `${PLANTED.pupilName}'s class needs it`, what: { type: 'trusted_domain.add', domain: 'northshire-council.example' } },
  ]);
}

/** Every pupil's name and email, every parent's email, from the demo directory: none may appear in a digest. */
export function forbiddenStrings(): string[] {
  return demoDirectory()
    .filter((p) => p.role === 'pupil' || p.role === 'parent')
    .flatMap((p) => [p.role === 'pupil' ? p.displayName : undefined, p.email])
    .filter((s): s is string => typeof s === 'string' && s.length > 0)
    .concat([PLANTED.fileTitle]);
}
