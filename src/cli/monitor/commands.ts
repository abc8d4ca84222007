import { defineCommand, type CommandEntry, type CommandSpec } from '../command.js';

/** `lantern scan`: the offline scan over exported audit logs (B7). */
export const scanSpec = {
  summary: 'Run the monitoring rules over exported Google / Microsoft audit logs (JSON, JSONL, or the Purview / Google Admin console CSV export)',
  usage: 'lantern scan --input FILE|- --config TENANT_FILE [--json] [--strict]',
  options: { input: 'value', config: 'value', json: 'bool', strict: 'bool' },
  usageExitCode: 2,
} as const satisfies CommandSpec<Record<string, 'value' | 'bool'>>;

/** `monitor backfill` options. */
export const backfillOptions = { school: 'value', since: 'value', source: 'value' } as const;
/** `monitor status` options. */
export const statusOptions = { school: 'value', json: 'bool' } as const;
/** `monitor rules` options. */
export const rulesOptions = { school: 'value', json: 'bool' } as const;
/** `monitor rule set` options. */
export const ruleSetOptions = { school: 'value', threshold: 'value', window: 'value', fold: 'value', severity: 'value', enabled: 'value', by: 'value', reason: 'value', 'dsl-approval': 'value' } as const;
/** `monitor rule reset` options. */
export const ruleResetOptions = { school: 'value', by: 'value', reason: 'value', 'dsl-approval': 'value' } as const;
/** `monitor suppress add` options. */
export const suppressAddOptions = { school: 'value', rule: 'value', family: 'value', actor: 'value', object: 'value', domain: 'value', expires: 'value', reason: 'value', by: 'value', 'dsl-approval': 'value' } as const;
/** `monitor suppress list` options. */
export const suppressListOptions = { school: 'value', all: 'bool', json: 'bool' } as const;
/** `monitor suppress remove` options. */
export const suppressRemoveOptions = { school: 'value', reason: 'value', by: 'value' } as const;
/** `monitor allowlist add` and `remove` options. */
export const allowlistChangeOptions = { school: 'value', app: 'value', by: 'value', reason: 'value' } as const;
/** `monitor allowlist list` options. */
export const allowlistListOptions = { school: 'value', json: 'bool' } as const;
/** `monitor route` options. */
export const routeSetOptions = { school: 'value', by: 'value', reason: 'value' } as const;
/** `monitor routes` options. */
export const routeListOptions = { school: 'value', json: 'bool' } as const;
/** `monitor changes` options. */
export const changesOptions = { school: 'value', limit: 'value', json: 'bool' } as const;

/** `monitor inventory` options. */
export const inventoryOptions = { school: 'value', source: 'value', resume: 'bool', json: 'bool', concurrency: 'value', licences: 'value' } as const;
/** `monitor inventory fix` options. */
export const inventoryFixOptions = { school: 'value', kind: 'value', item: 'value', priority: 'value', 'dry-run': 'bool', approve: 'value', by: 'value' } as const;

/** `lantern scan` and the `lantern monitor …` sub-commands. */
export const monitorCommands: Readonly<Record<string, CommandEntry>> = {
  scan: { summary: scanSpec.summary, usage: scanSpec.usage, load: async () => (await import('./scan.js')).createScanCommand() },
  'monitor backfill': defineCommand({
    summary: "Read a school's past Google / Microsoft audit logs (within each vendor's retention) into detections, with progress",
    usage: 'lantern monitor backfill --school ID --since 30d [--source google|microsoft]',
    options: backfillOptions,
    load: async () => (await import('./backfill.js')).backfill,
  }),
  'monitor status': defineCommand({
    summary: "Show each audit-log connector's last good run, how far behind it is, and its last error",
    usage: 'lantern monitor status [--school ID] [--json]',
    options: statusOptions,
    load: async () => (await import('./status.js')).showConnectorStatus,
  }),
  'monitor rules': defineCommand({
    summary: 'List the detection rules with the settings in force for a school (enabled, severity, threshold, window, overrides)',
    usage: 'lantern monitor rules [--school ID] [--json]',
    options: rulesOptions,
    load: async () => (await import('./rules.js')).listRules,
  }),
  'monitor rule set': defineCommand({
    summary: "Change a rule's threshold, window, severity or whether it runs, recording who and why",
    usage: 'lantern monitor rule set RULE_ID [--threshold N] [--window 10m] [--fold 1d] [--severity low|medium|high|critical] [--enabled true|false] --by EMAIL --reason TEXT [--dsl-approval EMAIL] [--school ID]',
    options: ruleSetOptions,
    positionals: true,
    load: async () => (await import('./rules.js')).setRule,
  }),
  'monitor rule reset': defineCommand({
    summary: 'Put a rule back to its default settings, recording who and why',
    usage: 'lantern monitor rule reset RULE_ID --by EMAIL --reason TEXT [--dsl-approval EMAIL] [--school ID]',
    options: ruleResetOptions,
    positionals: true,
    load: async () => (await import('./rules.js')).resetRule,
  }),
  'monitor suppress add': defineCommand({
    summary: 'Silence detections of a rule (for an actor, object or domain) until a date, recording who and why',
    usage: 'lantern monitor suppress add --rule RULE_ID|--family FAMILY [--actor EMAIL] [--object ID] [--domain DOMAIN] --expires 30d|DATE --reason TEXT --by EMAIL [--dsl-approval EMAIL] [--school ID]',
    options: suppressAddOptions,
    load: async () => (await import('./suppress.js')).suppressDetections,
  }),
  'monitor suppress list': defineCommand({
    summary: "List a school's suppressions with their reason, who agreed them and when they expire",
    usage: 'lantern monitor suppress list [--school ID] [--all] [--json]',
    options: suppressListOptions,
    load: async () => (await import('./suppress.js')).listSuppressions,
  }),
  'monitor suppress remove': defineCommand({
    summary: 'End a suppression early, recording who and why',
    usage: 'lantern monitor suppress remove ID --reason TEXT --by EMAIL [--school ID]',
    options: suppressRemoveOptions,
    positionals: true,
    load: async () => (await import('./suppress.js')).endSuppression,
  }),
  'monitor allowlist add': defineCommand({
    summary: 'Trust a partner domain or approve an OAuth app, recording who and why',
    usage: 'lantern monitor allowlist add DOMAIN|--app CLIENT_ID --by EMAIL --reason TEXT [--school ID]',
    options: allowlistChangeOptions,
    positionals: true,
    load: async () => (await import('./allowlist.js')).addToAllowlist,
  }),
  'monitor allowlist remove': defineCommand({
    summary: 'Stop trusting a domain or withdraw an app approval, recording who and why',
    usage: 'lantern monitor allowlist remove DOMAIN|--app CLIENT_ID --by EMAIL --reason TEXT [--school ID]',
    options: allowlistChangeOptions,
    positionals: true,
    load: async () => (await import('./allowlist.js')).removeFromAllowlist,
  }),
  'monitor allowlist list': defineCommand({
    summary: 'List the trusted partner domains and approved OAuth apps, and who added them',
    usage: 'lantern monitor allowlist list [--school ID] [--json]',
    options: allowlistListOptions,
    load: async () => (await import('./allowlist.js')).listAllowlist,
  }),
  'monitor route': defineCommand({
    summary: 'Send a detection family at a severity to the DSL or the IT queue (when no child or pupil data is involved), recording who and why',
    usage: 'lantern monitor route FAMILY low|medium|high|critical dsl|it --by EMAIL --reason TEXT [--school ID]',
    options: routeSetOptions,
    positionals: true,
    load: async () => (await import('./route.js')).setRoute,
  }),
  'monitor routes': defineCommand({
    summary: 'Show where each detection family goes at each severity: the DSL channel or the IT queue',
    usage: 'lantern monitor routes [--school ID] [--json]',
    options: routeListOptions,
    load: async () => (await import('./route.js')).listRoutes,
  }),
  'monitor inventory': defineCommand({
    summary: 'List every file shared outside the school (anyone with the link, outside domains and people) in Google Drive and OneDrive / SharePoint, by priority; metadata only, resumable',
    usage: 'lantern monitor inventory [--school ID] [--source google|microsoft|all] [--resume] [--json] [--concurrency N] [--licences N]',
    options: inventoryOptions,
    load: async () => (await import('./inventory.js')).runInventoryCommand,
  }),
  'monitor inventory fix': defineCommand({
    summary: 'Remove public links or outside access from files the inventory found: a dry run first, then an approval that is recorded',
    usage: 'lantern monitor inventory fix --kind remove-public-link|remove-external-access (--item ID[,ID…] | --priority high) --by EMAIL --dry-run | --approve REQUEST_ID --by EMAIL [--school ID]',
    options: inventoryFixOptions,
    load: async () => (await import('./inventory-fix.js')).fixInventory,
  }),
  'monitor changes': defineCommand({
    summary: 'Show the log of monitoring rule, threshold, suppression and allowlist changes with who and why',
    usage: 'lantern monitor changes [--school ID] [--limit N] [--json]',
    options: changesOptions,
    load: async () => (await import('./changes.js')).listChanges,
  }),
};
