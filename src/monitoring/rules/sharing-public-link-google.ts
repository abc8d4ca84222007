import { looksLikePupilData } from '../pupil-data.js';
import { paramList, paramText } from '../records/google-params.js';
import type { Rule } from '../rule.js';
import { makeDriveEvent, PUPIL } from './fixtures.js';
import { who } from './helpers.js';

/** Link-sharing values that let anyone on the internet open the file. */
const PUBLIC_VALUES = new Set(['people_with_link', 'public_on_the_web']);

/** A Drive file made openable by anyone with the link (or published on the web). */
export const sharingPublicLinkGoogle: Rule = {
  id: 'sharing.public_link.google',
  family: 'sharing.public_link',
  source: 'google',
  title: 'Drive file made public',
  category: 'security',
  categoryLogic: 'security (data protection) for staff; conduct when a pupil makes a file public',
  severity: 'medium',
  severityLogic: 'medium; high when the title looks like pupil data (a possible personal-data breach); raised one step when a pupil acts or pupil data is involved',
  foldWindowMinutes: 24 * 60,
  runbook: 'Open the file from its id; if it holds personal data remove the public link (remediation) and tell the DPO: a public pupil-data file starts the 72-hour breach clock.',
  triggers: [{ kind: 'google.reports.activity', applications: ['drive'], events: ['change_document_visibility'] }],
  evaluate(record, ctx) {
    if (record.kind !== 'google.reports.activity') return undefined;
    for (const ev of record.events) {
      if (ev.name !== 'change_document_visibility') continue;
      // new_value is the state after the change; `visibility` can be stale on this event.
      const now = paramList(ev.parameters, 'new_value');
      if (!now.some((v) => PUBLIC_VALUES.has(v))) continue;
      const targetDomain = paramText(ev.parameters, 'target_domain');
      if (targetDomain && targetDomain !== 'all') {
        const cls = ctx.domains.classify(targetDomain);
        if (cls === 'own' || cls === 'trusted') continue; // "anyone at the school with the link"
      }
      const pupilData = looksLikePupilData(paramText(ev.parameters, 'doc_title'));
      const docId = paramText(ev.parameters, 'doc_id');
      return {
        summary: `${who(record.actor)} made a Drive file public: anyone with the link can open it${pupilData ? '. Its title suggests pupil data' : ''}.`,
        target: 'anyone with the link',
        ...(docId ? { objectId: docId } : {}),
        looksLikePupilData: pupilData,
        severity: pupilData ? 'high' : 'medium',
        category: ctx.isPupil(record.actor) ? 'conduct' : 'security',
      };
    }
    return undefined;
  },
  samples: {
    positive: [
      { name: 'link opened to anyone', records: [makeDriveEvent('change_document_visibility', { new_value: ['people_with_link'], visibility: 'people_with_link', target_domain: 'all', visibility_change: 'external' })], expect: { severity: 'medium', category: 'security' } },
      {
        name: 'class list published on the web',
        records: [makeDriveEvent('change_document_visibility', { new_value: ['public_on_the_web'], doc_title: 'Year 6 class list 2026' })],
        expect: { severity: 'critical', looksLikePupilData: true },
      },
      { name: 'pupil makes their file public', records: [makeDriveEvent('change_document_visibility', { new_value: ['people_with_link'] }, { actor: PUPIL })], expect: { severity: 'high', category: 'conduct' } },
    ],
    negative: [
      { name: 'made private again (stale visibility field)', records: [makeDriveEvent('change_document_visibility', { new_value: ['private'], visibility: 'people_with_link', target_domain: 'all' })] },
      { name: 'anyone at the school with the link', records: [makeDriveEvent('change_document_visibility', { new_value: ['people_with_link'], target_domain: 'northgate.example' })] },
      { name: 'edit of an already public file', records: [makeDriveEvent('edit', { visibility: 'people_with_link' }, { type: 'access' })] },
    ],
  },
};
