import type { LanternConfig } from '../config/load.js';
import type { Logger } from '../log/logger.js';
import type { Models } from '../stores.js';
import { FNM_CHECKLIST } from './fnm-checklist.js';
import { trainingExpiry, type TrainingKind } from './training-kinds.js';

const DAY = 86_400_000;

/** The demo's training: a refresher running out soon, one expired, DSL training, a cyber-trained governor. */
const DEMO_TRAINING: { personId: string; name: string; kind: TrainingKind; daysAgo: number; provider: string }[] = [
  { personId: 'staff-001', name: 'Helen Carter', kind: 'online-safety', daysAgo: 120, provider: 'Northshire safeguarding partnership' },
  { personId: 'staff-004', name: 'Sam Whitfield', kind: 'online-safety', daysAgo: 350, provider: 'Northshire safeguarding partnership' },
  { personId: 'staff-005', name: 'Alex Wilber', kind: 'induction', daysAgo: 400, provider: 'Northgate Primary (DSL)' },
  { personId: 'staff-005', name: 'Alex Wilber', kind: 'online-safety', daysAgo: 380, provider: 'Northshire safeguarding partnership' },
  { personId: 'staff-002', name: 'Ruth Okafor', kind: 'dsl', daysAgo: 200, provider: 'Northshire council DSL course' },
  { personId: 'gov-002', name: 'Imran Siddiqui', kind: 'governor-cyber', daysAgo: 90, provider: 'NCSC cyber security training for school staff' },
];

/**
 * Seeds the demo school's records once (when it has none): some training, a policy review without a text
 * change, the annual filtering and monitoring review and two filter checks, so a newcomer sees every part.
 */
export async function seedDemoRecords(models: Models, config: LanternConfig, logger: Logger, now: Date = new Date()): Promise<void> {
  if (config.mode !== 'demo') return;
  for (const school of config.schools) {
    if ((await models.trainingRecords.countDocuments({ schoolId: school.id }).limit(1)) > 0) continue;
    const people = new Set((await models.people.find({ schoolId: school.id }, { personId: 1 }).lean()).map((p) => p.personId));
    const training = DEMO_TRAINING.filter((t) => people.has(t.personId)).map((t) => {
      const completedOn = new Date(Math.floor((now.getTime() - t.daysAgo * DAY) / DAY) * DAY);
      return { schoolId: school.id, personId: t.personId, personName: t.name, kind: t.kind, completedOn, expiresOn: trainingExpiry(t.kind, completedOn), provider: t.provider, recordedBy: 'demo seed', recordedAt: now };
    });
    await models.trainingRecords.insertMany(training);
    const reviewedOn = new Date(Math.floor((now.getTime() - 60 * DAY) / DAY) * DAY);
    await models.policyReviewRecords.create({
      schoolId: school.id,
      policyId: 'staff-aua',
      reviewedOn,
      reviewedBy: 'Ruth Okafor (DSL)',
      approvedBy: "Governors' safeguarding committee",
      nextReviewDue: new Date(reviewedOn.getTime() + 365 * DAY),
      changed: false,
      notes: 'Read against the latest KCSIE; no change needed.',
      recordedBy: 'demo seed',
      recordedAt: now,
    });
    await models.fnmReviews.create({
      schoolId: school.id,
      reviewedOn: new Date(Math.floor((now.getTime() - 150 * DAY) / DAY) * DAY),
      participants: ['Helen Carter (headteacher)', 'Ruth Okafor (DSL)', 'Sam Whitfield (IT manager)', 'Imran Siddiqui (safeguarding governor)'],
      checklist: FNM_CHECKLIST.map((item, i) => ({ item, outcome: i === 2 ? 'partly' : 'met', ...(i === 2 ? { note: 'Guest Wi-Fi is not yet filtered' } : {}) })),
      actions: ['Put guest Wi-Fi behind the school filter before the spring term'],
      recordedBy: 'demo seed',
      recordedAt: now,
    });
    await models.filterChecks.insertMany([
      { schoolId: school.id, checkedAt: new Date(now.getTime() - 40 * DAY), checkedBy: 'Sam Whitfield', tested: 'A gambling site from a Year 5 laptop', result: 'pass', via: 'teams' },
      { schoolId: school.id, checkedAt: new Date(now.getTime() - 12 * DAY), checkedBy: 'Sam Whitfield', tested: 'Searches for self-harm terms on the pupil Wi-Fi', result: 'pass', via: 'teams' },
    ]);
    logger.info({ schoolId: school.id, training: training.length }, 'demo records seeded');
  }
}
