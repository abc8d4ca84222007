import { pairValue } from '../records/read.js';
import type { Rule } from '../rule.js';
import { makeO365 } from './fixtures.js';
import { who } from './helpers.js';

/** An Exchange calendar opened to anonymous users or published to the web. */
export const sharingCalendarPublicMicrosoft: Rule = {
  id: 'sharing.calendar_public.microsoft',
  family: 'sharing.calendar_public',
  source: 'microsoft',
  title: 'Outlook calendar published or opened to anonymous users',
  category: 'security',
  categoryLogic: 'security for staff; conduct when a pupil does it',
  severity: 'medium',
  severityLogic: 'low for availability-only access, medium otherwise; raised one step when a pupil acts',
  foldWindowMinutes: 24 * 60,
  runbook: 'Ask the owner to stop publishing the calendar (Outlook: Settings › Calendar › Shared calendars); check what was visible.',
  triggers: [{ kind: 'o365.management.activity', operations: ['Add-MailboxFolderPermission', 'Set-MailboxFolderPermission', 'Set-MailboxCalendarFolder'] }],
  evaluate(record, ctx) {
    if (record.kind !== 'o365.management.activity') return undefined;
    const p = record.raw.Parameters;
    const identity = pairValue(p, 'Identity') ?? '';
    const category = ctx.isPupil(record.actor) ? 'conduct' : 'security';
    if (record.operation === 'Set-MailboxCalendarFolder') {
      if ((pairValue(p, 'PublishEnabled') ?? '').toLowerCase() !== 'true') return undefined;
      const detail = (pairValue(p, 'DetailLevel') ?? '').toLowerCase();
      return {
        summary: `${who(record.actor)} published a calendar to the web${detail ? ` (${detail})` : ''}: anyone with the link can see it.`,
        target: 'public',
        ...(identity ? { objectId: identity } : {}),
        severity: detail === 'availabilityonly' ? 'low' : 'medium',
        category,
      };
    }
    if ((pairValue(p, 'User') ?? '').toLowerCase() !== 'anonymous' || !/calendar/i.test(identity)) return undefined;
    const rights = (pairValue(p, 'AccessRights') ?? '').toLowerCase();
    if (rights === '' || rights === 'none') return undefined;
    return {
      summary: `${who(record.actor)} gave anonymous users "${rights}" access to a calendar.`,
      target: 'anonymous',
      objectId: identity,
      severity: rights === 'availabilityonly' ? 'low' : 'medium',
      category,
    };
  },
  samples: {
    positive: [
      { name: 'anonymous reviewer', records: [makeO365('Add-MailboxFolderPermission', { Workload: 'Exchange', Parameters: [{ Name: 'Identity', Value: 'j.smith@northgate.example:\\Calendar' }, { Name: 'User', Value: 'Anonymous' }, { Name: 'AccessRights', Value: 'Reviewer' }] })] },
      { name: 'published to the web', records: [makeO365('Set-MailboxCalendarFolder', { Workload: 'Exchange', Parameters: [{ Name: 'Identity', Value: 'j.smith:\\Calendar' }, { Name: 'PublishEnabled', Value: 'True' }, { Name: 'DetailLevel', Value: 'FullDetails' }] })] },
    ],
    negative: [
      { name: 'colleague gets access', records: [makeO365('Add-MailboxFolderPermission', { Workload: 'Exchange', Parameters: [{ Name: 'Identity', Value: 'j.smith:\\Calendar' }, { Name: 'User', Value: 'r.okafor@northgate.example' }, { Name: 'AccessRights', Value: 'Editor' }] })] },
      { name: 'anonymous access removed', records: [makeO365('Set-MailboxFolderPermission', { Workload: 'Exchange', Parameters: [{ Name: 'Identity', Value: 'j.smith:\\Calendar' }, { Name: 'User', Value: 'Anonymous' }, { Name: 'AccessRights', Value: 'None' }] })] },
      { name: 'publishing turned off', records: [makeO365('Set-MailboxCalendarFolder', { Workload: 'Exchange', Parameters: [{ Name: 'Identity', Value: 'j.smith:\\Calendar' }, { Name: 'PublishEnabled', Value: 'False' }] })] },
    ],
  },
};
