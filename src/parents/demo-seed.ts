import type { LanternConfig } from '../config/load.js';
import type { Person } from '../directory/person.js';
import type { Logger } from '../log/logger.js';
import type { Models } from '../stores.js';
import type { ConsentDecision } from './consent-model.js';
import { appendConsent } from './consents.js';

const DAY = 86_400_000;

/**
 * The demo's answers in Robins (Alex Wilber's class, the Playground user): most parents said yes, one said no
 * to photos, one withdrew photo consent, one said no to the internet. The other Robins parents have not
 * answered, so the "who may not appear" list shows each case. Withdrawals are dated long enough ago that no
 * withdrawal notice goes out when the demo starts.
 */
const DEMO_ANSWERS: { pupilId: string; internet: ConsentDecision; photos: ConsentDecision[] }[] = [
  { pupilId: 'pupil-013', internet: 'given', photos: ['given'] },
  { pupilId: 'pupil-014', internet: 'given', photos: ['refused'] },
  { pupilId: 'pupil-015', internet: 'given', photos: ['given', 'withdrawn'] },
  { pupilId: 'pupil-016', internet: 'given', photos: ['given'] },
  { pupilId: 'pupil-017', internet: 'given', photos: ['given'] },
  { pupilId: 'pupil-018', internet: 'given', photos: ['given'] },
  { pupilId: 'pupil-019', internet: 'refused', photos: ['given'] },
];

/** Seeds the demo school's parent consent answers once (when it has none), so a newcomer sees the class list. */
export async function seedDemoConsents(models: Models, config: LanternConfig, logger: Logger, now: Date = new Date()): Promise<void> {
  if (config.mode !== 'demo') return;
  for (const school of config.schools) {
    if ((await models.parentConsents.countDocuments({ schoolId: school.id }).limit(1)) > 0) continue;
    let seeded = 0;
    for (const a of DEMO_ANSWERS) {
      const parentId = a.pupilId.replace('pupil-', 'parent-');
      const parent = await models.people.findOne({ schoolId: school.id, personId: parentId }).lean<Person>();
      if (!parent) continue;
      const base = { schoolId: school.id, pupilId: a.pupilId, parentId, typedName: parent.displayName, tokenHash: 'demo-seed' };
      await appendConsent(models, { ...base, kind: 'internet', decision: a.internet }, new Date(now.getTime() - 30 * DAY));
      for (const [i, decision] of a.photos.entries()) {
        await appendConsent(models, { ...base, kind: 'photos', decision }, new Date(now.getTime() - (30 - i * 20) * DAY));
      }
      seeded += 1;
    }
    logger.info({ schoolId: school.id, pupils: seeded }, 'demo consents seeded');
  }
}
