import type { LanternConfig, School } from '../config/load.js';
import type { Logger } from '../log/logger.js';
import { applyChange, type ChangeResult } from './act.js';
import { enqueueEscalationStep, type EscalateJobData } from './escalation-queue.js';
import type { CaseNotifier, LadderRung } from './ports.js';
import { caseSettings } from './settings.js';
import { loadCase, type CaseStores, type LoadedCase } from './store.js';
import { CATEGORY_LABEL, formatWhen, SEVERITY_LABEL } from './labels.js';
import { sendNotice, type Notice } from './notice-mail.js';
import type { MailTransport } from '../mail/index.js';
import { LANTERN_ACTOR, type Actor } from './timeline-model.js';

/** What the escalation job needs. */
export interface EscalationDeps {
  config: LanternConfig;
  stores: CaseStores;
  notifier: CaseNotifier;
  logger: Logger;
  clock: () => Date;
  /** Sends escalation emails; default: the school's configured mail transport. */
  mailTransport?: MailTransport;
}

/** Why a rung was not reached, in the words the timeline keeps. */
function unreachable(rung: LadderRung): string {
  if (rung.by === 'email') return 'the email could not be sent';
  if (rung.by === 'both') return 'Lantern has no Teams chat with them and the email could not be sent';
  return 'Lantern has no Teams chat with them';
}

/** The escalation email: the case number, severity, category and when it opened; never a name or what happened. */
function escalationEmail(school: School, loaded: LoadedCase, rung: LadderRung): Notice {
  const severity = SEVERITY_LABEL[loaded.state.severity];
  return {
    to: rung.email,
    subject: `Escalation: case ${loaded.doc.number} (${severity.toLowerCase()}) has not been acknowledged`,
    lines: [
      `Case ${loaded.doc.number} at ${school.name} was opened at ${formatWhen(loaded.doc.openedAt, school.timezone)} and nobody on the DSL team has acknowledged it yet, so it has been escalated to you (${rung.role}).`,
      '',
      `Severity: ${severity}`,
      `Category: ${CATEGORY_LABEL[loaded.state.category]}`,
      '',
      'Please make sure a member of the DSL team picks it up now. Press Acknowledge on the escalation card in your Teams chat with Lantern if you have it, or contact the DSL team directly.',
    ],
  };
}

/** Tries at one rung before the ladder moves on to the next. */
export const TRIES_PER_RUNG = 3;
/** Minutes between tries at the same rung. */
export const RETRY_MINUTES = 5;

/** A school's escalation ladder: the deputy DSL (or, without one, the DSL), then the configured rungs. */
export function escalationLadder(school: School): LadderRung[] {
  const deputy = school.dsl.members.find((m) => m.role === 'deputy') ?? school.dsl.members.find((m) => m.role === 'dsl');
  return [...(deputy ? [{ email: deputy.email, role: deputy.role === 'deputy' ? 'deputy DSL' : 'DSL' }] : []), ...caseSettings(school).escalationLadder];
}

/**
 * Records that someone on the ladder but off the DSL team (the head, an out-of-hours contact) saw the
 * escalation card: the ladder stops, but the case stays unassigned and new for the DSL team to take.
 */
export async function recordEscalationSeen(stores: CaseStores, school: School, caseId: string, by: Actor, clock: () => Date): Promise<ChangeResult> {
  const rung = escalationLadder(school).find((r) => r.email === by.email);
  return applyChange(stores, school.id, caseId, by, (state) => {
    if (state.status !== 'new') return { ok: false, reason: `${state.assignee?.name ?? 'The DSL team'} has already acknowledged this case.` };
    if (state.seenBy.length > 0) return { ok: false, reason: `${state.seenBy[0]?.name ?? 'Someone'} has already seen the escalation.` };
    const seen = { email: by.email, name: by.name, at: clock() };
    return { ok: true, action: 'escalation-seen', after: { seenBy: [...state.seenBy, seen] }, note: `Seen by ${by.name}${rung ? ` (${rung.role})` : ''} on the escalation card; the escalation stops and the case waits for the DSL team.` };
  }, clock);
}

/**
 * One step of the escalation ladder of one case. Nothing happens once the case is acknowledged (from the
 * DSL channel or the escalation card), once someone off the DSL team saw it on the escalation card, or
 * when a member of the DSL team opened it themselves. A rung is recorded on the timeline as told only when
 * the message reached them, or as failed when it did not; a failed rung is tried again, then the ladder moves on. A crash between telling and recording tells again:
 * twice is better than nobody.
 */
export async function runEscalation(data: EscalateJobData, deps: EscalationDeps): Promise<Record<string, unknown>> {
  const school = deps.config.schools.find((s) => s.id === data.schoolId);
  if (!school) return { skipped: 'school no longer configured' };
  const loaded = await loadCase(deps.stores, school.id, data.caseId);
  if (!loaded) return { skipped: 'no such case' };
  if (loaded.state.status !== 'new') return { skipped: 'acknowledged in time' };
  if (loaded.state.seenBy.length > 0) return { skipped: 'seen on the escalation card' };
  const openedBy = loaded.timeline[0]?.by.email;
  if (openedBy && school.dsl.members.some((m) => m.email === openedBy)) return { skipped: 'opened by the DSL team' };
  const rungIndex = data.rung ?? 0;
  const attempt = data.attempt ?? 0;
  const ladder = escalationLadder(school);
  const rung = ladder[rungIndex];
  const log = deps.logger.child({ schoolId: school.id, number: loaded.doc.number, rung: rungIndex });
  if (!rung) {
    log.error('escalation ladder exhausted: nobody acknowledged the case');
    return { skipped: 'ladder exhausted' };
  }
  if (loaded.state.escalations.some((e) => e.rung === rungIndex)) return { skipped: 'already told' };
  const byEmail = rung.by === 'email' || rung.by === 'both';
  const person = await deps.stores.people.findOne({ schoolId: school.id, email: rung.email }).select({ displayName: 1 }).lean<{ displayName?: string }>();
  const told = rung.by === 'email'
    ? { personal: false, channel: false, name: person?.displayName ?? rung.email }
    : await deps.notifier.tellOnLadder(school, data.caseId, rung).catch((err: unknown) => {
      log.warn({ err }, 'escalation message could not be sent');
      return { personal: false, channel: false, name: person?.displayName ?? rung.email };
    });
  const emailed = byEmail
    ? await sendNotice(deps.config, school, escalationEmail(school, loaded, rung), deps.mailTransport).then(() => true, (err: unknown) => {
      log.warn({ code: (err as { code?: string }).code, status: (err as { status?: number }).status }, 'escalation email could not be sent');
      return false;
    })
    : false;
  const now = deps.clock();
  const next = (r: number, a: number, runAt: Date) => enqueueEscalationStep(deps.stores, { schoolId: school.id, caseId: data.caseId, rung: r, attempt: a, runAt }, deps.logger);
  if (told.personal || told.channel || emailed) {
    const how = [told.personal ? 'Teams chat' : '', told.channel ? 'a mention in the DSL channel' : '', emailed ? 'email' : ''].filter(Boolean).join(' and ');
    const result = await applyChange(deps.stores, school.id, data.caseId, LANTERN_ACTOR, (state) => {
      if (state.status !== 'new') return { ok: false, reason: 'acknowledged meanwhile' };
      const entry = { rung: rungIndex, email: rung.email, name: told.name, role: rung.role, how, at: now };
      return { ok: true, action: 'escalation-told', after: { escalations: [...state.escalations, entry], ...(rungIndex === 0 ? { escalatedToDeputyAt: now } : {}) }, note: `Told ${told.name} (${rung.role}) by ${how}.` };
    }, deps.clock);
    // The case card's recent history now says who was told, how and when.
    if (result.ok) await deps.notifier.publish(school, data.caseId).catch(() => 'queued');
    if (result.ok && ladder[rungIndex + 1]) await next(rungIndex + 1, 0, new Date(now.getTime() + caseSettings(school).escalationStepMinutes * 60_000));
    log.info({ personal: told.personal, channel: told.channel }, 'escalation delivered');
    return { told: rungIndex, personal: told.personal, channel: told.channel };
  }
  await applyChange(deps.stores, school.id, data.caseId, LANTERN_ACTOR, () => ({ ok: true, action: 'escalation-failed', after: {}, note: `Could not reach ${told.name} (${rung.role}): ${unreachable(rung)} (try ${attempt + 1} of ${TRIES_PER_RUNG}).` }), deps.clock);
  if (attempt + 1 < TRIES_PER_RUNG) await next(rungIndex, attempt + 1, new Date(now.getTime() + RETRY_MINUTES * 60_000));
  else await next(rungIndex + 1, 0, now);
  log.warn({ attempt, personal: told.personal, channel: told.channel, emailed }, 'escalation not delivered');
  return { failed: rungIndex, attempt };
}
