import type { Rule } from '../rule.js';
import { driveFileTitle, FileBurstHit } from './file-burst-hit.js';
import { at, makeDriveEvent, repeat } from './fixtures.js';

const DELETES = ['trash', 'delete'];

/** Many Drive files trashed or deleted by one account in a short time (a leaver, ransomware, or a malicious insider). */
export const dataMassDeleteGoogle: Rule = {
  id: 'data.mass_delete.google',
  family: 'data.mass_delete',
  source: 'google',
  title: 'Bulk Drive deletion',
  category: 'security',
  categoryLogic: 'security; conduct when a pupil does it',
  severity: 'medium',
  severityLogic: 'medium; raised one step when a pupil deletes or a file title looks like pupil data',
  threshold: { count: 50, windowMinutes: 10 },
  foldWindowMinutes: 60,
  runbook: 'Ask the account holder; restore from Drive trash or the Admin console (25 days) if it was not intended, and check for a compromised account.',
  triggers: [{ kind: 'google.reports.activity', applications: ['drive'], events: DELETES }],
  evaluate(record, ctx) {
    if (record.kind !== 'google.reports.activity' || !record.actor) return undefined;
    const ev = record.events.find((e) => DELETES.includes(e.name));
    if (!ev) return undefined;
    return new FileBurstHit(record.actor, ctx, 'deleted', 'Drive', 'files', ev, driveFileTitle);
  },
  samples: {
    positive: [{ name: '50 files trashed in 4 minutes', records: repeat(50, (i) => makeDriveEvent('trash', { doc_id: `d${i}`, doc_title: i === 49 ? 'Attendance autumn' : 'Notes' }, { time: at(i * 5), type: 'access' })), expect: { count: 50, looksLikePupilData: true, severity: 'high' } }],
    negative: [
      { name: '49 files trashed', records: repeat(49, (i) => makeDriveEvent('trash', { doc_id: `d${i}` }, { time: at(i * 5) })) },
      { name: 'downloads are not deletions', records: repeat(60, (i) => makeDriveEvent('download', { doc_id: `d${i}` }, { time: at(i) })) },
    ],
  },
};
