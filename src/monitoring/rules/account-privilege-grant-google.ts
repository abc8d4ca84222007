import { adminRoleName, isTopAdminRole } from '../../directory/admin-roles.js';
import { paramText } from '../records/google-params.js';
import type { Rule } from '../rule.js';
import { ADMIN, makeGoogleEvent, PUPIL } from './fixtures.js';
import { who } from './helpers.js';

const GRANTS = ['ASSIGN_ROLE', 'GRANT_ADMIN_PRIVILEGE', 'GRANT_DELEGATED_ADMIN_PRIVILEGES'];

/** A Google Workspace admin role given to an account. */
export const accountPrivilegeGrantGoogle: Rule = {
  id: 'account.privilege_grant.google',
  family: 'account.privilege_grant',
  source: 'google',
  title: 'Google admin role assigned',
  category: 'security',
  categoryLogic: 'always security',
  severity: 'high',
  severityLogic: 'high; critical for super admin; raised one step when the grantee is a pupil',
  foldWindowMinutes: 24 * 60,
  runbook: 'Check the change was requested and approved (named roles, DfE standards); remove the role if not and review who made the change.',
  triggers: [{ kind: 'google.reports.activity', applications: ['admin'], events: GRANTS }],
  evaluate(record) {
    if (record.kind !== 'google.reports.activity') return undefined;
    for (const ev of record.events) {
      if (!GRANTS.includes(ev.name)) continue;
      const grantee = paramText(ev.parameters, 'USER_EMAIL').toLowerCase();
      // Prebuilt roles arrive by internal name (_SEED_ADMIN_ROLE is Super Admin): show the console's name.
      const raw = paramText(ev.parameters, 'ROLE_NAME');
      const role = raw ? adminRoleName(raw) : ev.name === 'GRANT_ADMIN_PRIVILEGE' ? 'Super Admin' : 'an admin role';
      const superAdmin = isTopAdminRole(role);
      return {
        summary: `${who(record.actor)} gave ${who(grantee)} the Google admin role "${role}".`,
        ...(grantee ? { target: grantee, subjects: [grantee] } : {}),
        objectId: role,
        severity: superAdmin ? 'critical' : 'high',
      };
    }
    return undefined;
  },
  samples: {
    positive: [
      { name: 'role assigned', records: [makeGoogleEvent('admin', 'ASSIGN_ROLE', { ROLE_NAME: 'Help Desk Admin', USER_EMAIL: 'j.smith@northgate.example' }, { actor: ADMIN, type: 'DELEGATED_ADMIN_SETTINGS' })], expect: { severity: 'high' } },
      { name: 'super admin role assigned by its internal name', records: [makeGoogleEvent('admin', 'ASSIGN_ROLE', { ROLE_NAME: '_SEED_ADMIN_ROLE', USER_EMAIL: 'j.smith@northgate.example' }, { actor: ADMIN, type: 'DELEGATED_ADMIN_SETTINGS' })], expect: { severity: 'critical' } },
      { name: 'pupil made super admin', records: [makeGoogleEvent('admin', 'GRANT_ADMIN_PRIVILEGE', { USER_EMAIL: PUPIL }, { actor: ADMIN })], expect: { severity: 'critical', pupilInvolved: true } },
    ],
    negative: [
      { name: 'role renamed', records: [makeGoogleEvent('admin', 'RENAME_ROLE', { ROLE_NAME: 'Help Desk' }, { actor: ADMIN })] },
      { name: 'custom role created (no one granted)', records: [makeGoogleEvent('admin', 'CREATE_ROLE', { ROLE_NAME: 'Exams' }, { actor: ADMIN })] },
    ],
  },
};
