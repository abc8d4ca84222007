import type { Rule } from '../rule.js';
import { FileBurstHit, sharePointFileName } from './file-burst-hit.js';
import { at, makeO365, repeat } from './fixtures.js';

const OPERATIONS = ['FileDeleted', 'FileRecycled', 'FileDeletedFirstStageRecycleBin', 'FolderDeleted', 'FolderRecycled'];

/** Many SharePoint / OneDrive items deleted by one account in a short time. */
export const dataMassDeleteMicrosoft: Rule = {
  id: 'data.mass_delete.microsoft',
  family: 'data.mass_delete',
  source: 'microsoft',
  title: 'Bulk SharePoint / OneDrive deletion',
  category: 'security',
  categoryLogic: 'security; conduct when a pupil does it',
  severity: 'medium',
  severityLogic: 'medium; raised one step when a pupil deletes or a file name looks like pupil data',
  threshold: { count: 50, windowMinutes: 10 },
  foldWindowMinutes: 60,
  runbook: 'Ask the account holder; restore from the recycle bin (93 days) if unintended, and check for ransomware or a compromised account.',
  triggers: [{ kind: 'o365.management.activity', operations: OPERATIONS }],
  evaluate(record, ctx) {
    if (record.kind !== 'o365.management.activity' || !record.actor) return undefined;
    return new FileBurstHit(record.actor, ctx, 'deleted', record.workload || 'SharePoint', 'items', record.raw, sharePointFileName);
  },
  samples: {
    positive: [{ name: '50 files recycled in 5 minutes', records: repeat(50, (i) => makeO365(i % 2 ? 'FileRecycled' : 'FileDeleted', { CreationTime: at(i * 6).slice(0, 19) })), expect: { count: 50 } }],
    negative: [{ name: '50 deletions over two days', records: repeat(50, (i) => makeO365('FileDeleted', { CreationTime: at(i * 3600).slice(0, 19) })) }],
  },
};
