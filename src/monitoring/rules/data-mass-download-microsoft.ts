import type { Rule } from '../rule.js';
import { FileBurstHit, sharePointFileName } from './file-burst-hit.js';
import { at, makeO365, repeat } from './fixtures.js';

/** Many SharePoint / OneDrive downloads (or full syncs) by one account in a short time. */
export const dataMassDownloadMicrosoft: Rule = {
  id: 'data.mass_download.microsoft',
  family: 'data.mass_download',
  source: 'microsoft',
  title: 'Bulk SharePoint / OneDrive download',
  category: 'security',
  categoryLogic: 'security; conduct when a pupil does it',
  severity: 'medium',
  severityLogic: 'medium; raised one step when a pupil downloads or a file name looks like pupil data',
  threshold: { count: 50, windowMinutes: 10 },
  foldWindowMinutes: 60,
  runbook: 'Ask the account holder what the downloads were for; if unexplained, revoke sessions and check the device the files went to.',
  triggers: [{ kind: 'o365.management.activity', operations: ['FileDownloaded', 'FileSyncDownloadedFull'] }],
  evaluate(record, ctx) {
    if (record.kind !== 'o365.management.activity' || !record.actor) return undefined;
    return new FileBurstHit(record.actor, ctx, 'downloaded', record.workload || 'SharePoint', 'files', record.raw, sharePointFileName);
  },
  samples: {
    positive: [{ name: '50 downloads in 5 minutes', records: repeat(50, (i) => makeO365('FileDownloaded', { CreationTime: at(i * 6).slice(0, 19), SourceFileName: `f${i}.docx` })), expect: { count: 50 } }],
    negative: [
      { name: '50 downloads over a day', records: repeat(50, (i) => makeO365('FileDownloaded', { CreationTime: at(i * 1800).slice(0, 19) })) },
      { name: '50 file views', records: repeat(50, (i) => makeO365('FileAccessed', { CreationTime: at(i).slice(0, 19) })) },
    ],
  },
};
