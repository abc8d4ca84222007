import type { Rule } from '../rule.js';
import { driveFileTitle, FileBurstHit } from './file-burst-hit.js';
import { at, makeDriveEvent, PUPIL, repeat } from './fixtures.js';

/** Many Drive downloads by one account in a short time. */
export const dataMassDownloadGoogle: Rule = {
  id: 'data.mass_download.google',
  family: 'data.mass_download',
  source: 'google',
  title: 'Bulk Drive download',
  category: 'security',
  categoryLogic: 'security; conduct when a pupil does it',
  severity: 'medium',
  severityLogic: 'medium; raised one step when a pupil downloads or a file title looks like pupil data',
  threshold: { count: 50, windowMinutes: 10 },
  foldWindowMinutes: 60,
  runbook: 'Ask the account holder what the downloads were for (leavers copying data, a compromised account); if unexplained, suspend sessions and check where the files went.',
  triggers: [{ kind: 'google.reports.activity', applications: ['drive'], events: ['download'] }],
  evaluate(record, ctx) {
    if (record.kind !== 'google.reports.activity') return undefined;
    const ev = record.events.find((e) => e.name === 'download');
    if (!ev || !record.actor) return undefined;
    return new FileBurstHit(record.actor, ctx, 'downloaded', 'Drive', 'files', ev, driveFileTitle);
  },
  samples: {
    positive: [
      { name: '50 downloads in 8 minutes', records: repeat(50, (i) => makeDriveEvent('download', { doc_id: `doc-${i}` }, { time: at(i * 10), type: 'access' })), expect: { count: 50, severity: 'medium' } },
      { name: 'pupil downloads 60 files', records: repeat(60, (i) => makeDriveEvent('download', { doc_id: `doc-${i}` }, { time: at(i * 5), actor: PUPIL })), expect: { count: 60, severity: 'high', category: 'conduct' } },
    ],
    negative: [
      { name: '49 downloads', records: repeat(49, (i) => makeDriveEvent('download', { doc_id: `doc-${i}` }, { time: at(i * 10) })) },
      { name: '50 downloads over a day', records: repeat(50, (i) => makeDriveEvent('download', { doc_id: `doc-${i}` }, { time: at(i * 1800) })) },
      { name: '60 views', records: repeat(60, (i) => makeDriveEvent('view', { doc_id: `doc-${i}` }, { time: at(i) })) },
    ],
  },
};
