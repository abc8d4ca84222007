import { defineCommand, type CommandEntry } from '../command.js';

/** `agreements issue` options. */
export const issueOptions = {
  audience: 'value', due: 'value', reminders: 'value', escalate: 'value', change: 'value', reason: 'value', by: 'value', school: 'value', config: 'value', key: 'value', 'dry-run': 'bool',
} as const;
/** `agreements publish` options. */
export const publishOptions = { material: 'bool', minor: 'bool', reason: 'value', by: 'value', effective: 'value', school: 'value', config: 'value', 'dry-run': 'bool' } as const;
/** `agreements status` options. */
export const statusOptions = { policy: 'value', csv: 'bool', school: 'value', config: 'value' } as const;
/** `agreements unsigned` options. */
export const unsignedOptions = { csv: 'bool', school: 'value', config: 'value' } as const;
/** `agreements unsigned-group` options. */
export const unsignedGroupOptions = { 'dry-run': 'bool', approve: 'bool', by: 'value', school: 'value', config: 'value' } as const;
/** `agreements invite` options. */
export const inviteOptions = {
  policy: 'value', email: 'value', name: 'value', role: 'value', by: 'value', revoke: 'bool', school: 'value', config: 'value', 'dry-run': 'bool',
} as const;
/** `agreements kiosk` options. */
export const kioskOptions = { policy: 'value', out: 'value', days: 'value', by: 'value', revoke: 'bool', school: 'value', config: 'value', 'dry-run': 'bool' } as const;
/** `evidence verify` options. */
export const verifyOptions = { school: 'value', config: 'value' } as const;
/** `evidence export` options. */
export const exportOptions = { audience: 'value', person: 'value', out: 'value', school: 'value', config: 'value' } as const;

/** The `lantern agreements …` and `lantern evidence …` sub-commands. */
export const agreementsCommands: Readonly<Record<string, CommandEntry>> = {
  'agreements issue': defineCommand({
    summary: 'Issue an agreement to an audience with a due date and reminders (--dry-run shows who would receive what)',
    usage:
      'lantern agreements issue POLICY [--audience staff,year:1,form:Robins] [--due YYYY-MM-DD] [--reminders 3,7,14] [--escalate EMAIL] [--change material|minor --reason TEXT] [--by NAME] [--key KEY] [--school ID] [--config FILE] [--dry-run]',
    options: issueOptions,
    positionals: true,
    load: async () => (await import('./issue.js')).issueAgreement,
  }),
  'agreements status': defineCommand({
    summary: 'Who has signed each open agreement: by audience, year group and form, with overdue staff named',
    usage: 'lantern agreements status [--policy ID] [--csv] [--school ID] [--config FILE]',
    options: statusOptions,
    load: async () => (await import('./status.js')).showAgreementStatus,
  }),
  'agreements unsigned': defineCommand({
    summary: 'The accounts that have not signed what the school requires of them (sign before access), for IT',
    usage: 'lantern agreements unsigned [--csv] [--school ID] [--config FILE]',
    options: unsignedOptions,
    load: async () => (await import('./unsigned.js')).showUnsignedAccounts,
  }),
  'agreements unsigned-group': defineCommand({
    summary: 'Keep the Google or Entra group of unsigned accounts in step: --dry-run shows the adds and removes, --approve --by EMAIL makes them',
    usage: 'lantern agreements unsigned-group (--dry-run | --approve --by EMAIL) [--school ID] [--config FILE]',
    options: unsignedGroupOptions,
    load: async () => (await import('./unsigned-group.js')).syncUnsignedGroupCommand,
  }),
  'agreements publish': defineCommand({
    summary: 'Publish a changed policy file: --material (everyone it was issued to signs again) or --minor (no re-signing), with --reason',
    usage: 'lantern agreements publish FILE [--material | --minor] [--reason TEXT] [--by NAME] [--effective YYYY-MM-DD] [--school ID] [--config FILE] [--dry-run]',
    options: publishOptions,
    positionals: true,
    load: async () => (await import('./publish.js')).publishAgreement,
  }),
  'agreements invite': defineCommand({
    summary: 'Email someone without a school Teams account (a visitor, contractor, governor) a single-use link to sign; --revoke withdraws unused links',
    usage:
      'lantern agreements invite --policy ID --email ADDRESS [--name NAME] [--role visitor|volunteer|governor|staff|contractor] --by NAME [--revoke] [--school ID] [--config FILE] [--dry-run]',
    options: inviteOptions,
    load: async () => (await import('./invite.js')).inviteToSign,
  }),
  'agreements kiosk': defineCommand({
    summary: 'Print a sheet for reception with a QR code where visitors read and sign a policy; --revoke stops the sheets working',
    usage: 'lantern agreements kiosk --policy ID --by NAME [--out sheet.html] [--days N] [--revoke] [--school ID] [--config FILE] [--dry-run]',
    options: kioskOptions,
    load: async () => (await import('./kiosk.js')).kioskCommand,
  }),
  'evidence verify': defineCommand({
    summary: 'Check the signature evidence chain: reports edited, inserted and deleted records with their position',
    usage: 'lantern evidence verify [--school ID] [--config FILE]',
    options: verifyOptions,
    load: async () => (await import('./evidence-verify.js')).verifyEvidence,
  }),
  'evidence export': defineCommand({
    summary: 'Write the signature evidence for an audience or one person to a CSV file',
    usage: 'lantern evidence export (--audience staff|year:1|form:Robins | --person ID) --out FILE.csv [--school ID] [--config FILE]',
    options: exportOptions,
    load: async () => (await import('./evidence-export.js')).exportEvidence,
  }),
};
