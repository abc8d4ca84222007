import { looksLikePupilData } from '../pupil-data.js';
import { paramText } from '../records/google-params.js';
import type { Rule } from '../rule.js';
import { makeDriveEvent, PUPIL } from './fixtures.js';
import { describeOutside, outboundCategory, who } from './helpers.js';

/** Ownership of a Drive file handed to an account outside the school: the school loses control of it. */
export const sharingOwnershipTransferExternalGoogle: Rule = {
  id: 'sharing.ownership_transfer_external.google',
  family: 'sharing.ownership_transfer_external',
  source: 'google',
  title: 'Drive file ownership given to an outside account',
  category: 'security',
  categoryLogic: 'security for staff; a pupil handing a file to a personal address is contact; other pupil transfers are conduct',
  severity: 'high',
  severityLogic: 'high (the school can no longer delete or recall the file); raised one step when a pupil is involved or the title looks like pupil data',
  foldWindowMinutes: 24 * 60,
  runbook: 'Contact the new owner to get ownership returned; if the file holds personal data tell the DPO (possible breach).',
  triggers: [{ kind: 'google.reports.activity', applications: ['drive'], events: ['change_owner'] }],
  evaluate(record, ctx) {
    if (record.kind !== 'google.reports.activity') return undefined;
    for (const ev of record.events) {
      if (ev.name !== 'change_owner') continue;
      const newOwner = paramText(ev.parameters, 'new_owner').trim().toLowerCase();
      if (!newOwner.includes('@')) continue; // a shared drive, not a person
      const cls = ctx.classifyAddress(newOwner);
      if (cls === 'own' || cls === 'trusted') continue;
      const pupilData = looksLikePupilData(paramText(ev.parameters, 'doc_title'));
      const docId = paramText(ev.parameters, 'doc_id');
      return {
        summary: `${who(record.actor)} made ${newOwner} (${describeOutside(cls)}) the owner of a Drive file${pupilData ? '. Its title suggests pupil data' : ''}.`,
        target: newOwner,
        ...(docId ? { objectId: docId } : {}),
        looksLikePupilData: pupilData,
        category: outboundCategory(ctx, record.actor, cls),
      };
    }
    return undefined;
  },
  samples: {
    positive: [
      { name: 'owner moved to another organisation', records: [makeDriveEvent('change_owner', { new_owner: 'bob@example.com' })], expect: { severity: 'high' } },
      { name: 'pupil gives a file to a gmail account', records: [makeDriveEvent('change_owner', { new_owner: 'friend@gmail.com' }, { actor: PUPIL })], expect: { category: 'contact', severity: 'critical' } },
    ],
    negative: [
      { name: 'colleague becomes owner', records: [makeDriveEvent('change_owner', { new_owner: 'r.okafor@northgate.example' })] },
      { name: 'moved to a shared drive', records: [makeDriveEvent('change_owner', { new_owner: 'Maths department', new_owner_is_team_drive: true })] },
    ],
  },
};
