import type { DomainClass } from '../domains.js';
import { looksLikePupilData } from '../pupil-data.js';
import { paramList, paramText } from '../records/google-params.js';
import type { Rule } from '../rule.js';
import { makeDriveEvent, PUPIL } from './fixtures.js';
import { describeOutside, outboundCategory, outsideRank, who } from './helpers.js';

/** A Drive file shared with a person or domain outside the school and its trusted partners. */
export const sharingExternalUserGoogle: Rule = {
  id: 'sharing.external_user.google',
  family: 'sharing.external_user',
  source: 'google',
  title: 'Drive file shared outside the school',
  category: 'security',
  categoryLogic: 'security for staff; a pupil sharing with a personal (webmail) address is contact; other pupil shares are conduct',
  severity: 'medium',
  severityLogic: 'medium; raised one step when a pupil shares, a pupil is the recipient, or the title looks like pupil data',
  foldWindowMinutes: 24 * 60,
  runbook: 'Ask the owner why the file went outside school; remove the external permission if it was a mistake (remediation). For a pupil sharing with a personal address, consider whether the contact is safe.',
  triggers: [{ kind: 'google.reports.activity', applications: ['drive'], events: ['change_user_access'] }],
  evaluate(record, ctx) {
    if (record.kind !== 'google.reports.activity') return undefined;
    let best: { who: string; cls: DomainClass } | undefined;
    let outside = 0;
    let title = '';
    let docId = '';
    for (const ev of record.events) {
      if (ev.name !== 'change_user_access') continue;
      const granted = paramList(ev.parameters, 'new_value');
      if (granted.length > 0 && granted.every((v) => v === 'none')) continue; // access removed
      const user = paramText(ev.parameters, 'target_user').toLowerCase();
      const domain = paramText(ev.parameters, 'target_domain').toLowerCase();
      if (!user && (!domain || domain === 'all')) continue;
      const cls = user ? ctx.classifyAddress(user) : ctx.domains.classify(domain);
      if (cls === 'own' || cls === 'trusted') continue;
      outside++;
      if (!best || outsideRank(cls) > outsideRank(best.cls)) best = { who: user || `anyone at ${domain}`, cls };
      title ||= paramText(ev.parameters, 'doc_title');
      docId ||= paramText(ev.parameters, 'doc_id');
    }
    if (!best) return undefined;
    const pupilData = looksLikePupilData(title);
    const others = outside > 1 ? ` and ${outside - 1} other recipient(s) outside the school` : '';
    return {
      summary: `${who(record.actor)} shared a Drive file with ${best.who} (${describeOutside(best.cls)})${others}${pupilData ? '. Its title suggests pupil data' : ''}.`,
      target: best.who,
      ...(docId ? { objectId: docId } : {}),
      looksLikePupilData: pupilData,
      category: outboundCategory(ctx, record.actor, best.cls),
    };
  },
  samples: {
    positive: [
      { name: 'shared with an outside organisation', records: [makeDriveEvent('change_user_access', { target_user: 'someone@random.example.org', new_value: ['can_view'], visibility_change: 'external' })], expect: { category: 'security', severity: 'medium' } },
      { name: 'pupil shares with a gmail address', records: [makeDriveEvent('change_user_access', { target_user: 'Stranger99@Gmail.com', new_value: ['can_edit'] }, { actor: PUPIL })], expect: { category: 'contact', severity: 'high', pupilInvolved: true } },
      { name: 'SEN register shared with a domain', records: [makeDriveEvent('change_user_access', { target_domain: 'tutoring.example.com', new_value: ['can_view'], doc_title: 'SEND register' })], expect: { looksLikePupilData: true, severity: 'high' } },
      { name: 'look-alike of the school domain is outside', records: [makeDriveEvent('change_user_access', { target_user: 'x@northgate.example.com', new_value: ['can_view'] })] },
    ],
    negative: [
      { name: 'shared inside the school (sub-domain)', records: [makeDriveEvent('change_user_access', { target_user: 'leo.p@pupils.northgate.example', new_value: ['can_view'] })] },
      { name: 'shared with the local authority (trusted)', records: [makeDriveEvent('change_user_access', { target_user: 'lado@northshire-council.example', new_value: ['can_view'] })] },
      { name: 'external access removed', records: [makeDriveEvent('change_user_access', { target_user: 'someone@random.example.org', new_value: ['none'], old_value: ['can_view'] })] },
      { name: 'inherited from a folder', records: [makeDriveEvent('change_user_access_hierarchy_reconciled', { visibility_change: 'internal' })] },
    ],
  },
};
