import type { FakeDelivery } from '../../../src/bench/fake-bot-connector.js';

/** What a card delivered to someone's chat was, read from the card itself. */
export interface ReceivedCard {
  personId: string;
  /** Simulated time of the step it was sent in. */
  at: Date;
  kind: 'sign' | 'audit' | 'class' | 'status' | 'other';
  versionId?: string;
  campaignId?: string;
  form?: string;
  /** The reminder's number ("Reminder 2 of 3"), or 0 for a first card. */
  reminder: number;
  reminderOf: number;
  card: Record<string, unknown>;
}

type Action = { verb?: string; data?: Record<string, unknown> };

/** Reads a delivered activity into what the person saw. */
export function readDelivery(delivery: FakeDelivery, personId: string, at: Date): ReceivedCard {
  const attachments = (delivery.activity.attachments ?? []) as { content?: Record<string, unknown> }[];
  const card = attachments[0]?.content ?? {};
  const text = JSON.stringify(card);
  const actions = (card.actions ?? []) as Action[];
  const verb = (v: string) => actions.find((a) => a.verb === v);
  const reminder = /Reminder (\d+) of (\d+)/.exec(text);
  const base = { personId, at, card, reminder: reminder ? Number(reminder[1]) : 0, reminderOf: reminder ? Number(reminder[2]) : 0 };
  const sign = verb('agreement.sign');
  if (sign) return { ...base, kind: 'sign', versionId: String(sign.data?.versionId), campaignId: String(sign.data?.campaignId) };
  const audit = verb('agreement.audit');
  if (audit) return { ...base, kind: 'audit', versionId: String(audit.data?.versionId), campaignId: String(audit.data?.campaignId) };
  const cls = verb('agreement.class-sign');
  if (cls) return { ...base, kind: 'class', versionId: String(cls.data?.versionId), form: String(cls.data?.form) };
  if (text.includes('Agreements at')) return { ...base, kind: 'status' };
  return { ...base, kind: 'other' };
}

/** The pupils on a class card: personId, ticked, absent. */
export function classRows(card: Record<string, unknown>): { personId: string; ticked: boolean; absent: boolean }[] {
  const text = JSON.stringify(card);
  const rows: { personId: string; ticked: boolean; absent: boolean }[] = [];
  for (const m of text.matchAll(/"id":"pupil_([^"]+)","title":"[^"]*","value":"(true|false)"/g)) rows.push({ personId: m[1] as string, ticked: m[2] === 'true', absent: false });
  for (const m of text.matchAll(/"id":"absent_([^"]+)","title":"Absent","value":"(true|false)"/g)) {
    const row = rows.find((r) => r.personId === m[1]);
    if (row) row.absent = m[2] === 'true';
  }
  return rows;
}
