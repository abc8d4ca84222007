import { asArray, asObject, text } from '../records/read.js';
import type { Rule } from '../rule.js';
import { makeDirectoryAudit, makeO365, PUPIL } from './fixtures.js';
import { who } from './helpers.js';

/** Microsoft Graph / Exchange permissions that read or control mail, files, chats or the directory at large. Data. */
export const RISKY_MICROSOFT_PERMISSIONS: readonly string[] = [
  'Mail.Read', 'Mail.ReadWrite', 'Mail.Send', 'MailboxSettings.ReadWrite', 'full_access_as_user', 'EWS.AccessAsUser.All',
  'Files.Read.All', 'Files.ReadWrite.All', 'Sites.Read.All', 'Sites.ReadWrite.All', 'Sites.FullControl.All',
  'Chat.Read', 'Chat.ReadWrite', 'Chat.Read.All', 'Chat.ReadWrite.All', 'ChannelMessage.Read.All',
  'Directory.ReadWrite.All', 'Directory.AccessAsUser.All', 'User.ReadWrite.All', 'RoleManagement.ReadWrite.Directory',
  'AppRoleAssignment.ReadWrite.All', 'Application.ReadWrite.All',
];
const ADMIN_PERMISSIONS = /Directory\.(?:ReadWrite|AccessAsUser)|RoleManagement|AppRoleAssignment|Application\.ReadWrite|full_access_as_user/;
const permissionPattern = new RegExp(`(?<![\\w.])(${RISKY_MICROSOFT_PERMISSIONS.map((p) => p.replace(/\./g, '\\.')).join('|')})(?![\\w.])`, 'g');

function modifiedText(list: unknown): string {
  return asArray(list)
    .map((p) => {
      const o = asObject(p);
      return `${text(o, 'newValue') || text(o, 'NewValue')}`;
    })
    .join(' ');
}

/** A user or admin consented to an app with permissions over mail, files, chats or the directory. */
export const appRiskyOauthGrantMicrosoft: Rule = {
  id: 'app.risky_oauth_grant.microsoft',
  family: 'app.risky_oauth_grant',
  source: 'microsoft',
  title: 'App granted risky Microsoft 365 permissions',
  category: 'security',
  categoryLogic: 'security; conduct when a pupil consents',
  severity: 'medium',
  severityLogic: 'high for directory / role / app-management permissions, medium for mail, files and chats; raised one step for pupils',
  foldWindowMinutes: 24 * 60,
  runbook: 'Review the app in Entra ID › Enterprise applications; revoke the grant unless approved, and consider requiring admin consent for users.',
  triggers: [
    { kind: 'graph.directoryAudit', activities: ['Consent to application', 'Add delegated permission grant', 'Add app role assignment to service principal'] },
    { kind: 'o365.management.activity', operations: ['Consent to application.', 'Add delegated permission grant.', 'Add app role assignment to service principal.'] },
  ],
  evaluate(record, ctx) {
    let props: string;
    let app: string;
    if (record.kind === 'graph.directoryAudit') {
      if (text(record.raw, 'result') && text(record.raw, 'result').toLowerCase() !== 'success') return undefined;
      const targets = asArray(record.raw.targetResources).map(asObject);
      props = targets.map((t) => modifiedText(t?.modifiedProperties)).join(' ');
      app = text(targets[0], 'displayName');
    } else if (record.kind === 'o365.management.activity') {
      props = modifiedText(record.raw.ModifiedProperties);
      app = asArray(record.raw.Target).map((t) => text(asObject(t), 'ID')).find((id) => id && !/^[0-9a-f-]{36}$|_/i.test(id)) ?? '';
    } else return undefined;
    const found = [...new Set(Array.from(props.matchAll(permissionPattern), (m) => m[1] ?? ''))].filter(Boolean);
    if (found.length === 0 || ctx.isApprovedApp(app)) return undefined;
    return {
      summary: `${who(record.actor)} granted the app "${app || 'unnamed'}" ${found.join(', ')}.`,
      target: app || 'unnamed app',
      objectId: app || record.id,
      severity: found.some((p) => ADMIN_PERMISSIONS.test(p)) ? 'high' : 'medium',
      category: ctx.isPupil(record.actor) ? 'conduct' : 'security',
    };
  },
  samples: {
    positive: [
      {
        name: 'user consents to mail access',
        records: [makeDirectoryAudit('Consent to application', { initiatedBy: { user: { userPrincipalName: PUPIL } }, targetResources: [{ displayName: 'Free Homework Helper', type: 'ServicePrincipal', modifiedProperties: [{ displayName: 'ConsentAction.Permissions', newValue: '[] => [[Scope: Mail.Read, User.Read, offline_access]]' }] }] })],
        expect: { category: 'conduct', severity: 'high' },
      },
      { name: 'directory write via Management API', records: [makeO365('Add app role assignment to service principal.', { Workload: 'AzureActiveDirectory', ModifiedProperties: [{ Name: 'AppRole.Value', NewValue: 'Directory.ReadWrite.All', OldValue: '' }], Target: [{ ID: 'SyncTool', Type: 1 }] })], expect: { severity: 'high' } },
    ],
    negative: [
      { name: 'sign-in and profile only', records: [makeDirectoryAudit('Consent to application', { targetResources: [{ displayName: 'Quiz App', modifiedProperties: [{ displayName: 'ConsentAction.Permissions', newValue: 'Scope: User.Read openid profile' }] }] })] },
      { name: 'service principal credentials (other concern)', records: [makeDirectoryAudit('Add service principal credentials', { targetResources: [{ displayName: 'API', modifiedProperties: [{ displayName: 'KeyType', newValue: 'Password' }] }] })] },
    ],
  },
};
