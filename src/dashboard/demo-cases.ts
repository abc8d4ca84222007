import type { School } from '../config/load.js';
import type { Models } from '../stores.js';
import type { Logger } from '../log/logger.js';
import { applyCommand } from '../cases/act.js';
import { openCase } from '../cases/open.js';
import { LANTERN_ACTOR } from '../cases/timeline-model.js';

/**
 * Gives the demo school something to look at: when a demo sign-in finds no cases at all, three fictional
 * ones are opened through the ordinary case functions (so their timelines and hash chains are real). Only
 * ever called from the loopback demo sign-in.
 */
export async function seedDemoCases(models: Models, school: School, now: Date, logger: Logger): Promise<void> {
  if ((await models.cases.countDocuments({ schoolId: school.id })) > 0) return;
  const hour = 3_600_000;
  const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * hour);
  const teacher = { email: 'a.wilber@northgate.example', name: 'Alex Wilber' };
  const ruth = { email: 'r.okafor@northgate.example', name: 'Ruth Okafor' };
  const concern = await openCase(models, school, {
    source: 'concern', severity: 'high', category: 'contact', where: 'Kestrels classroom', subjects: ['pupil-031'], reporter: teacher, by: teacher,
    summary: 'A pupil said an adult they met in an online game asked them to move to a private chat app.', happenedAt: at(30),
  }, at(26));
  await applyCommand(models, school.id, concern.caseId, ruth, { kind: 'acknowledge' }, () => at(25));
  await applyCommand(models, school.id, concern.caseId, ruth, { kind: 'note', text: 'Spoke to the pupil with the class teacher. Parents called; they will keep the console in the living room.' }, () => at(24));
  await openCase(models, school, {
    source: 'detection', severity: 'medium', category: 'security', subjects: ['pupil-045'], by: LANTERN_ACTOR, reporter: null,
    summary: 'A pupil account set up automatic forwarding of its email to an address outside the school.', happenedAt: at(5),
    detections: [{ detectionId: 'demo-det-1', ruleId: 'email.external_forwarding.google', family: 'email.external_forwarding', at: at(5) }],
  }, at(5));
  await openCase(models, school, {
    source: 'detection', severity: 'critical', category: 'content', subjects: ['pupil-052'], by: LANTERN_ACTOR, reporter: null, doNotView: true,
    summary: 'A file shared publicly from a pupil account may involve an indecent image of a child.', happenedAt: at(1),
    detections: [{ detectionId: 'demo-det-2', ruleId: 'sharing.public_link.google', family: 'sharing.public_link', at: at(1) }],
  }, at(1));
  logger.info({ schoolId: school.id }, 'demo cases seeded for the dashboard');
}
