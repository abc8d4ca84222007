import { asArray, asObject, child, text, type JsonObject } from '../records/read.js';
import type { Rule } from '../rule.js';
import { makeGoogleAlert, PUPIL } from './fixtures.js';
import { INDECENT_IMAGE_ALERT, mentionsIndecentImage, who } from './helpers.js';

/**
 * The words of an Alert Center alert that can say what it is about: its type and source, the name of the DLP
 * or activity rule that fired and of the detectors it matched, and the abuse reason of an abuse or suspension
 * alert. Google publishes no alert type of its own for child sexual abuse material, so a school that wants its
 * DLP image rules to reach the DSL names them so (for example "Nudity in shared image").
 */
function alertWords(raw: JsonObject): string {
  const data = child(raw, 'data');
  const violation = child(data, 'ruleViolationInfo');
  const detectors = asArray(violation?.matchInfo).flatMap((m) => {
    const match = asObject(m);
    return [text(child(match, 'predefinedDetector'), 'detectorName'), text(child(match, 'userDefinedDetector'), 'displayName')];
  });
  const reasons = asArray(data?.suspensionDetails).map((d) => text(asObject(d), 'abuseReason'));
  return [text(raw, 'type'), text(raw, 'source'), text(child(violation, 'ruleInfo'), 'displayName'), text(data, 'displayName'), text(data, 'name'), text(data, 'variationType'), ...detectors, ...reasons].join(' ');
}

/**
 * A Google Workspace Alert Center alert (a DLP rule, an activity rule, an abuse or suspension alert) saying an
 * item may be a sexual image of a child. Every detection is "do not view" (B5, UKCIS): nobody opens the item.
 */
export const contentIndecentImageGoogleAlert: Rule = {
  id: 'content.indecent_image.google_alert',
  ...INDECENT_IMAGE_ALERT,
  source: 'google',
  title: 'Google alert: item may be an indecent image',
  triggers: [{ kind: 'google.alert' }],
  evaluate(record) {
    if (record.kind !== 'google.alert') return undefined;
    const raw = record.raw;
    if (raw.deleted === true || text(child(raw, 'metadata'), 'status').toUpperCase() === 'CLOSED') return undefined;
    if (!mentionsIndecentImage(alertWords(raw))) return undefined;
    return {
      summary: `Google raised an alert that an item belonging to ${who(record.actor)} may be a sexual image. Do not open it.`,
      objectId: record.id,
    };
  },
  samples: {
    positive: [
      {
        name: 'DLP rule for nudity in a shared image',
        records: [makeGoogleAlert({
          type: 'DLP rule violation',
          source: 'Data Loss Prevention',
          data: { '@type': 'type.googleapis.com/google.apps.alertcenter.type.DlpRuleViolation', ruleViolationInfo: { ruleInfo: { displayName: 'Nudity in shared image' }, triggeringUserEmail: PUPIL, resourceInfo: { documentTitle: 'IMG_2231.jpg' } } },
        })],
        expect: { severity: 'critical', category: 'content' },
      },
      { name: 'abuse alert for CSAM', records: [makeGoogleAlert({ type: 'Abuse detected', source: 'Google Operations', data: { variationType: 'CSAM', product: 'Google Workspace' } })] },
    ],
    negative: [
      { name: 'suspicious login', records: [makeGoogleAlert()] },
      { name: 'DLP rule about card numbers', records: [makeGoogleAlert({ type: 'DLP rule violation', source: 'Data Loss Prevention', data: { ruleViolationInfo: { ruleInfo: { displayName: 'Payment card numbers' } } } })] },
      { name: 'closed', records: [makeGoogleAlert({ type: 'Abuse detected', data: { variationType: 'CSAM' }, metadata: { status: 'CLOSED' } })] },
    ],
  },
};
