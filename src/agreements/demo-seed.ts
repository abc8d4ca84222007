import type { LanternConfig } from '../config/load.js';
import type { Models } from '../stores.js';
import type { Logger } from '../log/logger.js';
import { issueCampaign } from './campaigns.js';
import { createKioskLink } from './kiosk-links.js';
import { loadPolicyLibrary } from './library.js';
import { publishVersion } from './versions.js';

/** The demo's running staff AUA campaign. */
export const DEMO_CAMPAIGN_KEY = 'demo-staff-aua';

/** The demo school's reception kiosk for the visitor AUA, at a fixed address so the README can point at it. */
export const DEMO_KIOSK_TOKEN = 'demx-desk-2345';

/**
 * Seeds the demo school: publishes every template in the library as version 1, starts a staff AUA
 * campaign (due in two weeks, reminders after 3, 7 and 14 days, escalation to the DSL) and opens a reception
 * kiosk for the visitor AUA. Idempotent: a restart finds all three already there.
 */
export async function seedDemoAgreements(models: Models, config: LanternConfig, logger: Logger, now: Date = new Date()): Promise<void> {
  if (config.mode !== 'demo') return;
  const templates = loadPolicyLibrary();
  for (const school of config.schools) {
    const versions = new Map<string, Awaited<ReturnType<typeof publishVersion>>['version']>();
    for (const template of templates) {
      const { version } = await publishVersion(models, template, { schoolId: school.id, by: 'demo seed', clock: () => now });
      versions.set(template.id, version);
    }
    if (versions.has('visitor-aua')) {
      await createKioskLink(models, { schoolId: school.id, policyId: 'visitor-aua', createdBy: 'demo seed', token: DEMO_KIOSK_TOKEN }, now);
    }
    const aua = versions.get('staff-aua');
    if (!aua) continue;
    const { created, queued } = await issueCampaign(
      models,
      {
        schoolId: school.id,
        version: aua,
        dueAt: new Date(now.getTime() + 14 * 86_400_000),
        reminderDays: [3, 7, 14],
        escalateTo: school.dsl.members[0]?.email,
        createdBy: 'demo seed',
        reason: 'Demo: yearly staff acceptable use agreement',
        key: DEMO_CAMPAIGN_KEY,
      },
      now,
    );
    logger.info({ schoolId: school.id, created, queued }, 'demo agreements seeded');
  }
}
