import { adminRoleName } from '../../directory/admin-roles.js';
import { asArray, asObject, emailsIn, modifiedProperty, text, type JsonObject } from '../records/read.js';
import type { AuditRecord } from '../records/types.js';
import type { Rule } from '../rule.js';
import { makeDirectoryAudit, makeO365, PUPIL, STAFF } from './fixtures.js';
import { who } from './helpers.js';

/** Completed role grants (requests, removals and renames are not grants). */
const GRAPH_ACTIVITIES = [
  'Add member to role',
  'Add eligible member to role',
  'Add scoped member to role',
  'Add member to role in PIM completed (permanent)',
  'Add member to role in PIM completed (timebound)',
  'Add eligible member to role in PIM completed (permanent)',
  'Add eligible member to role in PIM completed (timebound)',
  'User has elevated their access to User Access Administrator for their Azure Resources',
];
const O365_OPERATIONS = ['Add member to role.', 'Add eligible member to role.', 'Add scoped member to role.'];
const TOP_ROLES = /global administrator|privileged role administrator|privileged authentication administrator|user access administrator|company administrator/i;

/** A role as Entra wrote it: display name, or (in some records) only the template id. */
function roleFrom(props: unknown): string {
  const name = modifiedProperty(props, 'Role.DisplayName')?.newValue.replace(/^"|"$/g, '') ?? '';
  const template = modifiedProperty(props, 'Role.TemplateId')?.newValue.replace(/^"|"$/g, '') ?? '';
  return adminRoleName(name || template);
}

function roleAndGrantee(record: AuditRecord): { role: string; grantee: string } {
  if (record.kind === 'o365.management.activity') {
    return { role: roleFrom(record.raw.ModifiedProperties), grantee: emailsIn(text(record.raw, 'ObjectId'))[0] ?? text(record.raw, 'ObjectId').toLowerCase() };
  }
  const targets = asArray(record.raw.targetResources).map(asObject).filter((t): t is JsonObject => t !== undefined);
  const roleTarget = targets.find((t) => /role/i.test(text(t, 'type')));
  const userTarget = targets.find((t) => /user|serviceprincipal/i.test(text(t, 'type')));
  const roleProp = roleFrom(targets.find((t) => modifiedProperty(t.modifiedProperties, 'Role.DisplayName') || modifiedProperty(t.modifiedProperties, 'Role.TemplateId'))?.modifiedProperties);
  const elevated = /elevated their access/i.test(text(record.raw, 'activityDisplayName'));
  return {
    role: elevated ? 'User Access Administrator (Azure root scope)' : adminRoleName(text(roleTarget, 'displayName')) || roleProp || 'a directory role',
    grantee: elevated ? record.actor : (text(userTarget, 'userPrincipalName') || text(userTarget, 'displayName')).toLowerCase(),
  };
}

/** An Entra ID / Azure admin role given to an account (directly, through PIM, or by self-elevation). */
export const accountPrivilegeGrantMicrosoft: Rule = {
  id: 'account.privilege_grant.microsoft',
  family: 'account.privilege_grant',
  source: 'microsoft',
  title: 'Entra ID / Azure admin role assigned',
  category: 'security',
  categoryLogic: 'always security',
  severity: 'high',
  severityLogic: 'high; critical for Global / Privileged Role / User Access Administrator; raised one step when the grantee is a pupil',
  foldWindowMinutes: 24 * 60,
  runbook: 'Check the assignment was requested and approved; remove it if not, and review the account that made it (Entra ID › Roles and administrators).',
  triggers: [
    { kind: 'graph.directoryAudit', activities: GRAPH_ACTIVITIES },
    { kind: 'o365.management.activity', operations: O365_OPERATIONS },
  ],
  evaluate(record) {
    if (record.kind !== 'graph.directoryAudit' && record.kind !== 'o365.management.activity') return undefined;
    const result = record.kind === 'graph.directoryAudit' ? text(record.raw, 'result') : text(record.raw, 'ResultStatus');
    if (result && !/^(success|succeeded|true)$/i.test(result)) return undefined;
    const { role, grantee } = roleAndGrantee(record);
    const self = grantee !== '' && grantee === record.actor;
    return {
      summary: self ? `${who(record.actor)} gave themselves the role "${role}".` : `${who(record.actor)} gave ${who(grantee)} the role "${role}".`,
      ...(grantee ? { target: grantee, subjects: [grantee] } : {}),
      objectId: role,
      severity: TOP_ROLES.test(role) ? 'critical' : 'high',
    };
  },
  samples: {
    positive: [
      {
        name: 'PIM assignment completed',
        records: [makeDirectoryAudit('Add member to role in PIM completed (permanent)', { loggedByService: 'PIM', targetResources: [{ type: 'Role', displayName: 'Application Administrator' }, { type: 'User', userPrincipalName: 'j.smith@northgate.example' }] })],
        expect: { severity: 'high' },
      },
      { name: 'pupil made Global Administrator', records: [makeO365('Add member to role.', { Workload: 'AzureActiveDirectory', ResultStatus: 'Success', ObjectId: PUPIL, ModifiedProperties: [{ Name: 'Role.DisplayName', NewValue: 'Global Administrator', OldValue: '' }] })], expect: { severity: 'critical' } },
      {
        name: 'Global Administrator known only by template id',
        records: [makeO365('Add member to role.', { Workload: 'AzureActiveDirectory', ResultStatus: 'Success', ObjectId: STAFF, ModifiedProperties: [{ Name: 'Role.TemplateId', NewValue: '62e90394-69f5-4237-9190-012177145e10', OldValue: '' }] })],
        expect: { severity: 'critical' },
      },
      { name: 'self-elevation in Azure', records: [makeDirectoryAudit('User has elevated their access to User Access Administrator for their Azure Resources', { loggedByService: 'Microsoft.Authorization' })], expect: { severity: 'critical' } },
    ],
    negative: [
      { name: 'PIM request only', records: [makeDirectoryAudit('Add member to role in PIM requested (permanent)', { targetResources: [{ type: 'Role', displayName: 'Global Administrator' }] })] },
      { name: 'role removed', records: [makeDirectoryAudit('Remove member from role')] },
      { name: 'failed assignment', records: [makeDirectoryAudit('Add member to role', { result: 'failure' })] },
    ],
  },
};
