import type { LanternConfig } from '../config/load.js';
import type { Models } from '../stores.js';
import type { Person } from '../directory/person.js';
import type { StoredDetection } from '../monitoring/models/detection-model.js';
import { SEVERITIES } from './case-model.js';
import { openOrJoinFromDetection, type DetectionInput, type IntakeDeps } from './detection.js';
import { caseSettings } from './settings.js';

/**
 * Detection families that, when what moved looks like pupil data, put personal data where the school no longer
 * controls it — public view, or a personal or external address — and so start the 72-hour DPO clock (UK GDPR Art. 33).
 */
export const BREACH_FAMILIES: readonly string[] = ['sharing.public_link', 'sharing.external_user', 'sharing.ownership_transfer_external'];

/** A stored detection with its id. */
export type StoredDetectionDoc = StoredDetection & { _id: string; createdAt?: Date };

/**
 * Maps the monitoring engine's stored detection onto DetectionInput: the actor and counterparty become
 * subjects when they are pupils in the directory; pupil data shared publicly or to an external or personal
 * address (BREACH_FAMILIES) is treated as a personal-data breach (DPO clock); the engine's indecent-image
 * marker becomes "do not view".
 */
export async function detectionInputFromStored(d: StoredDetectionDoc, people: Models['people']): Promise<DetectionInput> {
  const emails = [d.actor, d.target].filter((e): e is string => typeof e === 'string' && e.includes('@')).map((e) => e.toLowerCase());
  const pupils = emails.length ? await people.find({ schoolId: d.schoolId, role: 'pupil', email: { $in: emails } }).lean<Person[]>() : [];
  return {
    detectionId: d._id,
    ruleId: d.ruleId,
    family: d.family,
    severity: d.severity,
    category: d.category,
    summary: d.summary,
    at: d.lastSeen ?? d.firstSeen ?? d.createdAt ?? new Date(),
    subjectIds: pupils.map((p) => p.personId),
    ...(d.objectId ? { objectId: d.objectId } : {}),
    ...(d.actor ? { actor: d.actor } : {}),
    ...(d.target ? { target: d.target } : {}),
    ...(d.siteUrl && d.listId ? { location: { siteUrl: d.siteUrl, listId: d.listId } } : {}),
    mayInvolveIndecentImage: d.mayInvolveIndecentImage === true,
    personalDataBreach: BREACH_FAMILIES.includes(d.family) && d.looksLikePupilData === true,
    pupilInvolved: d.pupilInvolved === true,
    pupilData: d.looksLikePupilData === true,
  };
}

/**
 * The intake sweep: routes each school's stored detections at or above its threshold that have no case
 * or IT matter yet, and writes the case (or IT matter) id back onto the detection. Safe to repeat (case_intake fence).
 */
export async function sweepDetections(deps: IntakeDeps & { models: Models; config: LanternConfig }): Promise<{ routed: number }> {
  let routed = 0;
  for (const school of deps.config.schools) {
    const minRank = SEVERITIES.indexOf(caseSettings(school).openFromSeverity);
    const pending = await deps.models.detections.find({ schoolId: school.id, caseId: { $exists: false }, itMatterId: { $exists: false }, severityRank: { $gte: minRank } }).sort({ lastSeen: 1 }).limit(200).lean<StoredDetectionDoc[]>();
    for (const d of pending) {
      const result = await openOrJoinFromDetection(deps, school, await detectionInputFromStored(d, deps.models.people));
      const caseId = 'caseId' in result ? result.caseId : null;
      if (caseId) await deps.models.detections.updateOne({ _id: d._id }, { $set: { caseId } });
      if ('itMatterId' in result) await deps.models.detections.updateOne({ _id: d._id }, { $set: { itMatterId: result.itMatterId } });
      routed += 1;
    }
  }
  return { routed };
}
