import { asArray, asObject, child, emailsIn, modifiedProperty, text, type JsonObject } from '../records/read.js';
import type { AuditRecord } from '../records/types.js';
import type { Rule, RuleHit } from '../rule.js';
import { ADMIN, makeDirectoryAudit, makeO365, PUPIL, STAFF } from './fixtures.js';
import { who } from './helpers.js';

const MFA_PROPERTIES = ['StrongAuthenticationMethod', 'StrongAuthenticationRequirement'];
/**
 * Entra audit activity (service Authentication Methods, category UserManagement) when an admin removes one
 * of a user's MFA methods. The Management Activity API writes Entra operations with a closing full stop.
 */
const ADMIN_DELETED_SECURITY_INFO = 'Admin deleted security info';

function isEmpty(value: string): boolean {
  const v = value.replace(/\s/g, '');
  return v === '' || v === '[]' || v === '{}' || v === 'null' || v === '""';
}

function parseJson(value: string): JsonObject | undefined {
  try {
    return asObject(JSON.parse(value));
  } catch {
    return undefined;
  }
}

/** True when a Conditional Access policy (Graph JSON) is on and requires MFA. */
function policyRequiresMfa(value: string): boolean {
  const p = parseJson(value);
  if (!p || String(p.state).toLowerCase() !== 'enabled') return false;
  return asArray(child(p, 'grantControls')?.builtInControls).some((c) => String(c).toLowerCase() === 'mfa');
}

/** The user whose MFA changed: a Graph target resource, or the Management API ObjectId. */
function targetUser(record: AuditRecord): string {
  if (record.kind === 'o365.management.activity') {
    const target = asArray(record.raw.Target).map((t) => text(asObject(t), 'ID')).find((id) => emailsIn(id).length > 0);
    return emailsIn(text(record.raw, 'ObjectId'))[0] ?? emailsIn(target)[0] ?? '';
  }
  const first = asObject(asArray(record.raw.targetResources)[0]);
  return (text(first, 'userPrincipalName') || text(first, 'displayName')).toLowerCase();
}

function perUserChange(record: AuditRecord): RuleHit | undefined {
  const props = record.kind === 'o365.management.activity' ? record.raw.ModifiedProperties : asObject(asArray(record.raw.targetResources)[0])?.modifiedProperties;
  const activity = record.kind === 'o365.management.activity' ? record.operation : text(record.raw, 'activityDisplayName');
  if (activity.replace(/\.$/, '').toLowerCase() === ADMIN_DELETED_SECURITY_INFO.toLowerCase()) {
    const user = targetUser(record);
    return { summary: `${who(record.actor)} deleted an MFA method (security info) from ${who(user)}'s account.`, ...(user ? { target: user, subjects: [user] } : {}) };
  }
  const explicit = /disable strong authentication/i.test(activity);
  const removed = MFA_PROPERTIES.some((name) => {
    const p = modifiedProperty(props, name);
    return p !== undefined && !isEmpty(p.oldValue) && isEmpty(p.newValue);
  });
  if (!explicit && !removed) return undefined;
  const user = targetUser(record);
  return { summary: `MFA was removed from ${who(user)}'s account by ${who(record.actor)}.`, ...(user ? { target: user, subjects: [user] } : {}) };
}

function policyChange(record: AuditRecord): RuleHit | undefined {
  const target = asObject(asArray(record.raw.targetResources)[0]);
  const p = modifiedProperty(target?.modifiedProperties, 'ConditionalAccessPolicy');
  if (!p || !policyRequiresMfa(p.oldValue) || policyRequiresMfa(p.newValue)) return undefined;
  const name = text(target, 'displayName');
  const deleted = /delete/i.test(text(record.raw, 'activityDisplayName'));
  return {
    summary: `${who(record.actor)} ${deleted ? 'deleted' : 'changed'} the Conditional Access policy "${name || 'unnamed'}" so it no longer requires MFA.`,
    objectId: text(target, 'id') || record.id,
    severity: 'high',
  };
}

/** MFA removed: from one user's account, or from a Conditional Access policy that required it. */
export const accountMfaDisabledMicrosoft: Rule = {
  id: 'account.mfa_disabled.microsoft',
  family: 'account.mfa_disabled',
  source: 'microsoft',
  title: 'MFA removed (user or Conditional Access policy)',
  category: 'security',
  categoryLogic: 'always security',
  severity: 'medium',
  severityLogic: 'medium for one user (MFA turned off, or an MFA method deleted by an admin), high for a Conditional Access policy; raised one step when a pupil account is affected',
  foldWindowMinutes: 24 * 60,
  runbook: 'Confirm the change was planned and approved; if not, restore MFA / the policy at once and review the admin account that made it.',
  triggers: [
    { kind: 'o365.management.activity', operations: ['Update user.', 'Disable Strong Authentication.', `${ADMIN_DELETED_SECURITY_INFO}.`, ADMIN_DELETED_SECURITY_INFO] },
    { kind: 'graph.directoryAudit', activities: ['Update user', 'Disable Strong Authentication', ADMIN_DELETED_SECURITY_INFO, 'Update conditional access policy', 'Delete conditional access policy'] },
  ],
  evaluate(record) {
    if (record.kind === 'graph.directoryAudit') {
      if (text(record.raw, 'result') && text(record.raw, 'result').toLowerCase() !== 'success') return undefined;
      return /conditional access policy/i.test(record.activity) ? policyChange(record) : perUserChange(record);
    }
    return record.kind === 'o365.management.activity' ? perUserChange(record) : undefined;
  },
  samples: {
    positive: [
      {
        name: 'strong authentication method removed (Management API)',
        records: [makeO365('Update user.', { Workload: 'AzureActiveDirectory', ObjectId: PUPIL, ModifiedProperties: [{ Name: 'StrongAuthenticationMethod', OldValue: '[{"MethodType":7}]', NewValue: '[]' }] })],
        expect: { severity: 'high', pupilInvolved: true },
      },
      {
        name: 'MFA grant removed from a CA policy',
        records: [
          makeDirectoryAudit('Update conditional access policy', {
            targetResources: [{ id: 'pol-1', displayName: 'Staff MFA', modifiedProperties: [{ displayName: 'ConditionalAccessPolicy', oldValue: '{"state":"enabled","grantControls":{"builtInControls":["mfa"]}}', newValue: '{"state":"enabled"}' }] }],
          }),
        ],
        expect: { severity: 'high' },
      },
      {
        name: "admin deletes a pupil's security info (Graph)",
        records: [
          makeDirectoryAudit(ADMIN_DELETED_SECURITY_INFO, {
            loggedByService: 'Authentication Methods',
            targetResources: [{ id: 'user-9', type: 'User', userPrincipalName: PUPIL, modifiedProperties: [] }],
          }),
        ],
        expect: { severity: 'high', pupilInvolved: true },
      },
      {
        name: 'admin deletes security info (Management API)',
        records: [makeO365(`${ADMIN_DELETED_SECURITY_INFO}.`, { Workload: 'AzureActiveDirectory', UserId: ADMIN, ObjectId: STAFF, Target: [{ Type: 5, ID: STAFF }] })],
        expect: { severity: 'medium' },
      },
    ],
    negative: [
      { name: 'admin registers security info', records: [makeDirectoryAudit('Admin registered security info', { loggedByService: 'Authentication Methods', targetResources: [{ type: 'User', userPrincipalName: STAFF }] })] },
      { name: 'admin security-info deletion failed', records: [makeDirectoryAudit(ADMIN_DELETED_SECURITY_INFO, { result: 'failure', targetResources: [{ type: 'User', userPrincipalName: STAFF }] })] },
      { name: 'MFA method added', records: [makeO365('Update user.', { Workload: 'AzureActiveDirectory', ModifiedProperties: [{ Name: 'StrongAuthenticationMethod', OldValue: '[]', NewValue: '[{"MethodType":7}]' }] })] },
      {
        name: 'MFA added to a CA policy',
        records: [
          makeDirectoryAudit('Update conditional access policy', {
            targetResources: [{ id: 'pol-1', modifiedProperties: [{ displayName: 'ConditionalAccessPolicy', oldValue: '{"state":"enabled"}', newValue: '{"state":"enabled","grantControls":{"builtInControls":["mfa"]}}' }] }],
          }),
        ],
      },
    ],
  },
};
