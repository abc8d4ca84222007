import { text } from '../records/read.js';
import type { Rule } from '../rule.js';
import { makeAlert } from './fixtures.js';
import { INDECENT_IMAGE_ALERT, mentionsIndecentImage, who } from './helpers.js';

/** True when a Graph security alert is about possible indecent or sexual imagery (so other rules leave it to this one). */
export function isIndecentImageAlert(raw: Readonly<Record<string, unknown>>): boolean {
  return mentionsIndecentImage(`${text(raw, 'title')} ${text(raw, 'category')} ${text(raw, 'description')}`);
}

/**
 * A Microsoft alert (Purview, Defender) saying an item may be a sexual image, or a hash match against known
 * child sexual abuse material. Every detection is "do not view" (B5, UKCIS): nobody opens the item.
 */
export const contentIndecentImageGraphAlert: Rule = {
  id: 'content.indecent_image.graph_alert',
  ...INDECENT_IMAGE_ALERT,
  source: 'microsoft',
  title: 'Microsoft alert: item may be an indecent image',
  triggers: [{ kind: 'graph.alert' }],
  evaluate(record) {
    if (record.kind !== 'graph.alert') return undefined;
    const status = text(record.raw, 'status').toLowerCase();
    if (status === 'resolved' || status === 'dismissed' || !isIndecentImageAlert(record.raw)) return undefined;
    return {
      summary: `Microsoft raised an alert that an item belonging to ${who(record.actor)} may be a sexual image. Do not open it.`,
      objectId: record.id,
    };
  },
  samples: {
    positive: [
      { name: 'Purview nudity classifier', records: [makeAlert({ title: 'Communication compliance: nudity detected in shared image', category: 'DataLossPrevention', serviceSource: 'microsoftDataLossPrevention', severity: 'medium' })], expect: { severity: 'critical', category: 'content' } },
      { name: 'CSAM hash match', records: [makeAlert({ title: 'Known CSAM hash match', category: 'Exfiltration', severity: 'high' })] },
    ],
    negative: [
      { name: 'ordinary sign-in alert', records: [makeAlert({ category: 'AnonymousLogin' })] },
      { name: 'dismissed', records: [makeAlert({ title: 'Nudity detected', status: 'dismissed' })] },
    ],
  },
};
