import { paramText } from '../records/google-params.js';
import type { Rule } from '../rule.js';
import { ADMIN, makeGoogleEvent } from './fixtures.js';
import { who } from './helpers.js';

/** An admin started (or completed) a whole-organisation Google data export: every pupil's data leaves at once. */
export const dataMassDownloadExportGoogle: Rule = {
  id: 'data.mass_download.google.export',
  family: 'data.mass_download',
  source: 'google',
  title: 'Whole-school Google data export',
  category: 'security',
  categoryLogic: 'always security',
  severity: 'high',
  severityLogic: 'high: the export holds every account\'s mail and files, pupils\' included',
  foldWindowMinutes: 14 * 24 * 60,
  runbook: 'Confirm the export was approved by the head and the DPO (e.g. a platform migration); if not, cancel it in Admin console › Data export and secure the admin account.',
  triggers: [{ kind: 'google.reports.activity', applications: ['admin'], events: ['CUSTOMER_TAKEOUT_CREATED', 'CUSTOMER_TAKEOUT_SUCCEEDED'] }],
  evaluate(record) {
    if (record.kind !== 'google.reports.activity') return undefined;
    const ev = record.events.find((e) => e.name === 'CUSTOMER_TAKEOUT_CREATED' || e.name === 'CUSTOMER_TAKEOUT_SUCCEEDED');
    if (!ev) return undefined;
    const request = paramText(ev.parameters, 'OBFUSCATED_CUSTOMER_TAKEOUT_REQUEST_ID');
    return {
      summary: `${who(record.actor)} ${ev.name.endsWith('CREATED') ? 'started' : 'completed'} an export of the whole school's Google Workspace data.`,
      ...(request ? { objectId: request } : {}),
    };
  },
  samples: {
    positive: [
      { name: 'export started then finished (folds into one)', records: [makeGoogleEvent('admin', 'CUSTOMER_TAKEOUT_CREATED', { OBFUSCATED_CUSTOMER_TAKEOUT_REQUEST_ID: 'req-1' }, { actor: ADMIN }), makeGoogleEvent('admin', 'CUSTOMER_TAKEOUT_SUCCEEDED', { OBFUSCATED_CUSTOMER_TAKEOUT_REQUEST_ID: 'req-1' }, { actor: ADMIN })], expect: { count: 2 } },
    ],
    negative: [{ name: 'calendar setting change', records: [makeGoogleEvent('admin', 'CHANGE_CALENDAR_SETTING', { SETTING_NAME: 'SHARING_OUTSIDE_DOMAIN', NEW_VALUE: 'READ_ONLY_ACCESS' }, { actor: ADMIN })] }],
  },
};
