import type { DomainClass } from '../domains.js';
import { looksLikePupilData } from '../pupil-data.js';
import { text } from '../records/read.js';
import type { Rule } from '../rule.js';
import { makeO365, PUPIL } from './fixtures.js';
import { describeOutside, outboundCategory, itemLocation, urlObjectId, who } from './helpers.js';

/** Operations that grant a named person access to a SharePoint / OneDrive item. */
const OPERATIONS = ['AddedToSecureLink', 'SharingInvitationCreated', 'SharingSet', 'AddedToSharingLink'];

/** A SharePoint / OneDrive item shared with a guest or an address outside the school. */
export const sharingExternalUserMicrosoft: Rule = {
  id: 'sharing.external_user.microsoft',
  family: 'sharing.external_user',
  source: 'microsoft',
  title: 'SharePoint / OneDrive item shared outside the school',
  category: 'security',
  categoryLogic: 'security for staff; a pupil sharing with a personal (webmail) address is contact; other pupil shares are conduct',
  severity: 'medium',
  severityLogic: 'medium; raised one step when a pupil shares, a pupil is the recipient, or the file name looks like pupil data',
  foldWindowMinutes: 24 * 60,
  runbook: 'Ask the owner why the item went outside school; remove the guest permission if it was a mistake (remediation).',
  triggers: [{ kind: 'o365.management.activity', operations: OPERATIONS }],
  evaluate(record, ctx) {
    if (record.kind !== 'o365.management.activity') return undefined;
    const name = text(record.raw, 'TargetUserOrGroupName').trim().toLowerCase();
    const type = text(record.raw, 'TargetUserOrGroupType');
    let cls: DomainClass;
    if (name.includes('@')) cls = ctx.classifyAddress(name);
    else if (type === 'Guest') cls = 'external';
    else return undefined;
    if (cls === 'own' || cls === 'trusted') return undefined;
    const pupilData = looksLikePupilData(text(record.raw, 'SourceFileName'));
    const itemId = text(record.raw, 'ListItemUniqueId');
    const url = text(record.raw, 'ObjectId');
    const recipient = name || 'a guest';
    return {
      summary: `${who(record.actor)} shared a ${record.workload || 'SharePoint'} item with ${recipient} (${describeOutside(cls)})${pupilData ? '. Its name suggests pupil data' : ''}.`,
      target: recipient,
      ...(itemId ? { objectId: itemId, ...itemLocation(record.raw) } : url ? { objectId: urlObjectId(url) } : {}),
      looksLikePupilData: pupilData,
      category: outboundCategory(ctx, record.actor, cls),
    };
  },
  samples: {
    positive: [
      { name: 'guest at another organisation', records: [makeO365('AddedToSecureLink', { TargetUserOrGroupName: 'OUTSIDER@EXTERNAL.IO', TargetUserOrGroupType: 'Guest', ObjectId: 'https://northgate-my.sharepoint.com/personal/j_smith/Documents/a.docx' })] },
      { name: 'pupil invites a hotmail address', records: [makeO365('SharingInvitationCreated', { UserId: PUPIL, TargetUserOrGroupName: 'someone@hotmail.co.uk', TargetUserOrGroupType: 'Guest' })], expect: { category: 'contact', severity: 'high' } },
      { name: 'guest without an address', records: [makeO365('SharingSet', { TargetUserOrGroupName: 'Visiting Tutor', TargetUserOrGroupType: 'Guest' })] },
    ],
    negative: [
      { name: 'colleague in the school', records: [makeO365('AddedToSecureLink', { TargetUserOrGroupName: 'R.OKAFOR@NORTHGATE.EXAMPLE', TargetUserOrGroupType: 'Member' })] },
      { name: 'trusted partner domain', records: [makeO365('AddedToSecureLink', { TargetUserOrGroupName: 'social.worker@northshire-council.example', TargetUserOrGroupType: 'Guest' })] },
      { name: 'SharePoint system group', records: [makeO365('SharingSet', { TargetUserOrGroupName: 'Limited Access System Group', TargetUserOrGroupType: 'SharePointGroup' })] },
    ],
  },
};
