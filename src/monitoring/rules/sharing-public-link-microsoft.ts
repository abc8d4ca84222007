import { looksLikePupilData } from '../pupil-data.js';
import { text } from '../records/read.js';
import type { Rule } from '../rule.js';
import { makeO365, PUPIL } from './fixtures.js';
import { itemLocation, urlObjectId, who } from './helpers.js';

/** A SharePoint / OneDrive "Anyone" link: no sign-in needed to open the item. */
export const sharingPublicLinkMicrosoft: Rule = {
  id: 'sharing.public_link.microsoft',
  family: 'sharing.public_link',
  source: 'microsoft',
  title: 'SharePoint / OneDrive "Anyone" link created',
  category: 'security',
  categoryLogic: 'security (data protection) for staff; conduct when a pupil creates the link',
  severity: 'medium',
  severityLogic: 'medium; high when the file name looks like pupil data; raised one step when a pupil acts or pupil data is involved',
  foldWindowMinutes: 24 * 60,
  runbook: 'Check the item; if it holds personal data remove the Anyone link (remediation) and tell the DPO (72-hour breach clock). Consider limiting Anyone links in the SharePoint admin centre.',
  triggers: [{ kind: 'o365.management.activity', operations: ['AnonymousLinkCreated'] }],
  evaluate(record, ctx) {
    if (record.kind !== 'o365.management.activity' || record.operation !== 'AnonymousLinkCreated') return undefined;
    const pupilData = looksLikePupilData(text(record.raw, 'SourceFileName'));
    const itemId = text(record.raw, 'ListItemUniqueId');
    const url = text(record.raw, 'ObjectId');
    return {
      summary: `${who(record.actor)} created an "Anyone" link to a ${record.workload || 'SharePoint'} item: no sign-in is needed to open it${pupilData ? '. Its name suggests pupil data' : ''}.`,
      target: 'anyone with the link',
      ...(itemId ? { objectId: itemId, ...itemLocation(record.raw) } : url ? { objectId: urlObjectId(url) } : {}),
      looksLikePupilData: pupilData,
      severity: pupilData ? 'high' : 'medium',
      category: ctx.isPupil(record.actor) ? 'conduct' : 'security',
    };
  },
  samples: {
    positive: [
      { name: 'anyone link on a file', records: [makeO365('AnonymousLinkCreated', { ObjectId: 'https://northgate.sharepoint.com/sites/staff/Shared Documents/plan.docx', SourceFileName: 'plan.docx', ListItemUniqueId: 'a1b2c3d4', SiteUrl: 'https://northgate.sharepoint.com/sites/staff/', ListId: 'f0e1d2c3-0000-4000-8000-000000000001' })] },
      { name: 'anyone link on a SEN register', records: [makeO365('AnonymousLinkCreated', { SourceFileName: 'SEN register 2026.xlsx' })], expect: { severity: 'critical', looksLikePupilData: true } },
      { name: 'pupil creates an anyone link', records: [makeO365('AnonymousLinkCreated', { UserId: PUPIL })], expect: { category: 'conduct', severity: 'high' } },
    ],
    negative: [
      { name: 'people-in-school link', records: [makeO365('CompanyLinkCreated', { SourceFileName: 'plan.docx' })] },
      { name: 'anyone link used (not created)', records: [makeO365('AnonymousLinkUsed', { SourceFileName: 'plan.docx' })] },
    ],
  },
};
