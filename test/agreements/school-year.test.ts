import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgreementCampaign } from '../../src/agreements/campaign-model.js';
import { findTemplate, loadPolicyLibrary, type PolicyTemplate } from '../../src/agreements/library.js';
import { publishPolicy } from '../../src/agreements/publish.js';
import { startCampaign } from '../../src/agreements/start-campaign.js';
import type { AgreementVersion } from '../../src/agreements/version-model.js';
import { publishVersion } from '../../src/agreements/versions.js';
import { FINISHED_JOB_RETENTION_DAYS } from '../../src/jobs/cleanup.js';
import { classRows, readDelivery, type ReceivedCard } from './sim/cards.js';
import { checkDay, checkDelivery, Ledger } from './sim/invariants.js';
import { seededRandom } from './sim/school.js';
import { createSimWorld, DSL_EMAIL, SCHOOL_ID, type SimWorld } from './sim/world.js';

/*
 * A simulated school year: 1 September 2026 to 2 September 2027 on a fake clock, driving the real jobs (the
 * scheduler and job runner: nightly directory sync, the agreements tick, the roll-over), the real send queue
 * through the Bot Connector stand-in, and the real card handlers. Checks run on every card and every day.
 */
const SEED = Number(process.env.LANTERN_SIM_SEED ?? 20260901);
const SIZE = { staff: 60, governors: 6, volunteers: 10, pupilsPerForm: 30 };
const DAY = 86_400_000;
const START = new Date('2026-09-01T00:00:00Z');
const END = new Date('2027-09-02T23:00:00Z');
// Steps each day (UTC): 05:05 (06:05 in London: the roll-over, on 1 September); the school morning. By 08:00 the
// night's 02:00 directory sync is due too, and the runner takes due jobs in order of their time, so the sync
// still runs before the morning's agreements tick.
const STEPS = ['05:05', '08:00'];
// A day takes under two seconds on a quiet machine and at most about 40 (the first) on a busy one; far longer means something hung.
const DAY_LIMIT_MS = 180_000;
// The whole year, in `npm test`: about 10 minutes on a quiet 2-core machine and 43 on a very busy one, inside CI's 90.
const YEAR_LIMIT_MS = 75 * 60_000;

let world: SimWorld;
const random = seededRandom(SEED);
const library = loadPolicyLibrary();
const ledger = new Ledger();
const stats = { days: 0, cards: 0, reminders: 0, classPrompts: 0, escalations: 0, actions: 0, signatures: 0, ms: 0 };

/** Someone's answer to a card, due at a time. */
interface Pending {
  at: number;
  personId: string;
  run: () => Promise<void>;
}
const pending: Pending[] = [];
const answered = new Set<string>();

/** How each adult behaves: prompt, after a reminder or two, late, or never. */
const temperament = new Map<string, number>();
function delayFor(personId: string): number | null {
  if (!temperament.has(personId)) temperament.set(personId, random());
  const t = temperament.get(personId) as number;
  if (t < 0.1) return null;
  if (t < 0.55) return random() * 2 * DAY;
  if (t < 0.85) return (4 + random() * 8) * DAY;
  return (15 + random() * 25) * DAY;
}

function answer(card: ReceivedCard): void {
  const key = `${card.personId}|${card.campaignId ?? card.form}|${card.versionId}`;
  if (card.kind === 'class') {
    if (answered.has(`${key}|${card.reminder}`)) return;
    answered.add(`${key}|${card.reminder}`);
    const teacher = card.personId;
    pending.push({
      at: card.at.getTime() + random() * 3 * DAY,
      personId: teacher,
      run: async () => {
        // "Tick all", then mark one or two away today as absent; on a reminder, everyone is back.
        const listed = classRows((await world.act(teacher, 'agreement.class-view', { form: card.form, tickAll: true })) as Record<string, unknown>);
        const absent = new Set(card.reminder === 0 ? listed.filter(() => random() < 0.05).map((r) => r.personId) : []);
        // Robins' teacher records one pupil by mistake (one not there to agree), then unticks them: the undo is a
        // record of its own. Only unticked: ticking "absent" as well would record an absence, not a withdrawal.
        const mistaken = card.form === 'Robins' && card.reminder === 0 ? ([...absent][0] ?? listed.at(-1)?.personId) : undefined;
        const data: Record<string, unknown> = { versionId: card.versionId, form: card.form };
        for (const r of listed) {
          const away = absent.has(r.personId) && r.personId !== mistaken;
          data[`pupil_${r.personId}`] = away || r.personId === mistaken ? 'false' : 'true';
          data[`absent_${r.personId}`] = away ? 'true' : 'false';
        }
        if (mistaken) await world.act(teacher, 'agreement.class-sign', { ...data, [`pupil_${mistaken}`]: 'true' });
        await world.act(teacher, 'agreement.class-sign', data);
        stats.actions += mistaken ? 3 : 2;
      },
    });
    return;
  }
  if (card.kind !== 'sign' && card.kind !== 'audit') return;
  if (answered.has(key)) return;
  answered.add(key);
  const delay = delayFor(card.personId);
  if (delay === null) return;
  pending.push({
    at: card.at.getTime() + delay,
    personId: card.personId,
    run: async () => {
      stats.actions += 1;
      if (card.kind === 'sign') {
        await world.act(card.personId, 'agreement.sign', { versionId: card.versionId, campaignId: card.campaignId });
        return;
      }
      // Some press "I agree" on the questionnaire first (a card from an old client): it must not count.
      if (random() < 0.1) await world.act(card.personId, 'agreement.sign', { versionId: card.versionId, campaignId: card.campaignId });
      const questions = JSON.stringify(card.card).match(/"id":"q\d+"/g) ?? [];
      const answers = Object.fromEntries(questions.map((_, i) => [`q${i}`, random() < 0.8 ? 'yes' : 'unsure']));
      await world.act(card.personId, 'agreement.audit', { versionId: card.versionId, campaignId: card.campaignId, ...answers });
    },
  });
}

/** Runs the jobs at `at`, then reads and checks every card the connector delivered meanwhile. */
async function step(at: Date): Promise<void> {
  world.clock.set(at);
  const before = world.connector.deliveries.length;
  const t = Date.now();
  world.meter.phase = 'scheduler';
  await world.runJobs();
  world.meter.phase = 'delivery checks';
  if (process.env.LANTERN_SIM_TRACE) console.info(`${at.toISOString()} jobs ${Date.now() - t} ms, ${world.connector.deliveries.length - before} cards`);
  const fresh = world.connector.deliveries.slice(before);
  if (fresh.length === 0) return;
  const [versions, campaigns] = await Promise.all([
    world.models.agreementVersions.find({ schoolId: SCHOOL_ID }).lean<AgreementVersion[]>(),
    world.models.agreementCampaigns.find({ schoolId: SCHOOL_ID }).lean<AgreementCampaign[]>(),
  ]);
  const vmap = new Map(versions.map((v) => [v._id, v]));
  const cmap = new Map(campaigns.map((c) => [c._id, c]));
  for (const d of fresh) {
    const personId = world.personOfConversation(d.conversationId);
    if (!personId) throw new Error(`a card went to an unknown chat ${d.conversationId}`);
    const card = readDelivery(d, personId, at);
    checkDelivery(world, ledger, card, vmap, cmap);
    stats.cards += 1;
    if (card.kind === 'class') stats.classPrompts += 1;
    else if (card.kind === 'status') stats.escalations += 1;
    else if (card.reminder > 0) stats.reminders += 1;
    answer(card);
  }
}

/** Answers due by `until`, each at its own time. */
async function answerUntil(until: number): Promise<void> {
  pending.sort((a, b) => a.at - b.at);
  while (pending.length > 0 && (pending[0] as Pending).at <= until) {
    const next = pending.shift() as Pending;
    if (!world.directory.people.has(next.personId)) continue;
    world.clock.set(new Date(next.at));
    world.meter.phase = 'card actions';
    await next.run();
  }
}

async function issueAll(at: Date): Promise<void> {
  world.clock.set(at);
  world.meter.phase = 'issue';
  for (const template of library) {
    const { version } = await publishVersion(world.models, template, { schoolId: SCHOOL_ID, by: 'dsl', clock: world.clock.now });
    await startCampaign(world.models, { schoolId: SCHOOL_ID, version, dueAt: new Date(at.getTime() + 14 * DAY), reminderDays: [3, 7, 14], escalateTo: DSL_EMAIL, createdBy: DSL_EMAIL, reason: 'Start of year' }, at);
  }
}

async function change(at: Date, policyId: string, change: 'material' | 'minor', extra: string): Promise<void> {
  world.clock.set(at);
  const template = findTemplate(library, policyId);
  const changed: PolicyTemplate = { ...template, body: `${template.body}\n\n${extra}` };
  await publishPolicy(world.models, changed, { schoolId: SCHOOL_ID, change, reason: extra, by: DSL_EMAIL, now: at });
}

/** Directory changes on given days (written the evening before; the 02:00 sync reads them). */
async function directoryEvents(day: Date): Promise<void> {
  const d = day.toISOString().slice(0, 10);
  const join = async (ids: string[], install: boolean) => {
    for (const id of ids) {
      ledger.since.set(id, day.getTime() + DAY);
      if (install) await world.install(id);
    }
  };
  const events: Record<string, () => Promise<void>> = {
    '2026-09-14': () => join([world.directory.joinStaff(), world.directory.joinVolunteer()], true),
    '2026-10-04': () => join([world.directory.addPupil('Robins', '1'), world.directory.addPupil('Hawks', '5')], false),
    '2026-11-01': async () => {
      world.directory.leave('s040');
      world.directory.leave('p0100');
    },
    '2026-11-30': () => join([world.directory.joinStaff()], false),
    '2027-02-21': async () => {
      world.directory.leave('v003');
      await join([world.directory.joinStaff()], true);
    },
    '2027-04-18': () => join([world.directory.joinStaff(), world.directory.joinVolunteer()], true),
    '2027-08-31': async () => {
      world.directory.promote(SIZE.pupilsPerForm);
      for (const p of world.directory.people.values()) if (!ledger.since.has(p.personId)) ledger.since.set(p.personId, day.getTime() + DAY);
    },
  };
  const event = events[d];
  if (!event) return;
  await event();
  world.writeDirectory();
}

/** One simulated day: the jobs at each step, the answers due, the day's checks, then the evening's directory changes. */
async function simulateDay(day: number, started: number): Promise<void> {
  const date = new Date(day);
  const iso = date.toISOString().slice(0, 10);
  for (const hhmm of STEPS) {
    // The roll-over step only matters on the first day of the academic year.
    if (hhmm === '05:05' && !iso.endsWith('-09-01')) continue;
    const at = new Date(`${iso}T${hhmm}:00Z`);
    await answerUntil(at.getTime());
    if (iso === '2026-09-01' && hhmm === '08:00') await issueAll(new Date(`${iso}T07:30:00Z`));
    if (iso === '2027-01-06' && hhmm === '08:00') await change(new Date(`${iso}T07:30:00Z`), 'staff-aua', 'material', 'I will report phishing emails to the IT manager.');
    if (iso === '2027-03-02' && hhmm === '08:00') await change(new Date(`${iso}T07:30:00Z`), 'governor-aua', 'minor', 'Typo fixed in the contact details.');
    await step(at);
  }
  await answerUntil(day + 20 * 3_600_000);
  world.clock.set(new Date(day + 20 * 3_600_000));
  const t = Date.now();
  world.meter.phase = 'daily checks';
  // Every Monday and on the last day, the product's read paths are checked against the same figures too.
  await checkDay(world, ledger, { full: date.getUTCDay() === 1 || day + DAY > END.getTime() - 23 * 3_600_000 });
  world.meter.phase = 'directory events';
  if (process.env.LANTERN_SIM_TRACE) console.info(`${iso} checks ${Date.now() - t} ms, ${world.meter.total} commands so far\n${world.meter.report(1, true)}`);
  world.meter.startDay();
  stats.days += 1;
  // A line a month, so a run cut short (a timeout on a busy machine) still shows how far it got and at what cost.
  if (iso.endsWith('-01')) console.log(`${iso}: day ${stats.days}, ${Math.round((Date.now() - started) / 1000)} s, ${Math.round(world.meter.total / stats.days)} DB commands a day, ${stats.cards} cards`);
  await directoryEvents(date);
}

/**
 * Fails the run, naming the day, when one simulated day takes longer than DAY_LIMIT_MS: a hung job, card
 * handler or connector call stops the year at once instead of holding a CI worker until the year's timeout.
 */
async function withinDay(day: number, run: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${new Date(day).toISOString().slice(0, 10)} did not finish within ${DAY_LIMIT_MS / 1000} s: something hung`)), DAY_LIMIT_MS);
  });
  try {
    await Promise.race([run(), limit]);
  } finally {
    clearTimeout(timer);
  }
}

beforeAll(async () => {
  world = await createSimWorld(SIZE, START);
  for (const p of world.directory.people.values()) ledger.since.set(p.personId, 0);
  // Lantern is installed for most adults; five staff, a governor and two volunteers never install it.
  const never = new Set(['s056', 's057', 's058', 's059', 's060', 'g006', 'v009', 'v010']);
  for (const p of world.directory.people.values()) if (p.aadObjectId && !never.has(p.personId)) await world.install(p.personId);
}, 120_000);
afterAll(async () => {
  await world?.close();
});

describe('a simulated school year', () => {
  it(`holds every invariant from 1 September to the next 2 September (seed ${SEED})`, async () => {
    const started = Date.now();
    for (let day = START.getTime(); day <= END.getTime() - 23 * 3_600_000; day += DAY) await withinDay(day, () => simulateDay(day, started));
    stats.ms = Date.now() - started;
    stats.signatures = await world.models.agreementSignatures.countDocuments({ schoolId: SCHOOL_ID });
    const people = world.directory.people.size;
    const size = `${SIZE.staff} staff, ${SIZE.governors} governors, ${SIZE.volunteers} volunteers, ${SIZE.pupilsPerForm * 7} pupils with parents`;
    console.log(
      [
        `school year (seed ${SEED}): ${size}; ${people} people at the end`,
        `  ${stats.days} simulated days, ${ledger.checks} daily checks, ${stats.cards} cards (${stats.reminders} reminders, ${stats.classPrompts} class prompts, ${stats.escalations} escalations), ${stats.actions} card actions, ${stats.signatures} evidence records`,
        `  wall time ${Math.round(stats.ms / 1000)} s (${(stats.ms / stats.days / 1000).toFixed(2)} s a day); ${Math.round(world.meter.total / stats.days)} DB commands a day:`,
        world.meter.report(stats.days),
      ].join('\n'),
    );

    expect(ledger.checks).toBe(367);
    expect(stats.reminders).toBeGreaterThan(0);
    expect(stats.escalations).toBeGreaterThan(0);
    expect(stats.classPrompts).toBeGreaterThan(0);
    // The undo and the absences are records of their own.
    expect(await world.models.agreementSignatures.countDocuments({ outcome: 'withdrawn' })).toBeGreaterThan(0);
    expect(await world.models.agreementSignatures.countDocuments({ outcome: 'absent' })).toBeGreaterThan(0);
    // The roll-over re-issued each yearly policy for its own audience, in the new year.
    const year2 = await world.models.agreementCampaigns.find({ key: 'year-2027-28' }).lean<AgreementCampaign[]>();
    expect(year2.map((c) => c.policyId).sort()).toEqual(library.filter((t) => t.yearly).map((t) => t.id).sort());
    // Last year's self-audit answers are kept beside this year's.
    expect(await world.models.agreementAuditAnswers.countDocuments({ period: '2026-27' })).toBeGreaterThan(0);
    // The nightly clean-up ran: no finished job is kept past its retention, so claims read a month of jobs, not a year.
    const cutoff = new Date(world.clock.now().getTime() - (FINISHED_JOB_RETENTION_DAYS + 1) * DAY);
    expect(await world.models.jobs.countDocuments({ finishedAt: { $lt: cutoff } })).toBe(0);
    expect(await world.models.jobs.countDocuments({})).toBeGreaterThan(0);
    // Every card has its outcome: none is left open.
    expect(await world.models.agreementOpenSends.countDocuments({})).toBe(0);
  }, YEAR_LIMIT_MS);
});
