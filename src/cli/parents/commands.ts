import { defineCommand, type CommandEntry } from '../command.js';

/** `parents links sync` options. */
export const linksSyncOptions = { school: 'value', csv: 'value' } as const;
/** `parents send` options. */
export const sendOptions = { school: 'value', round: 'value', review: 'bool', 'dry-run': 'bool', by: 'value' } as const;
/** `parents remind` and `parents status` options. */
export const schoolOnlyOptions = { school: 'value' } as const;

/** `lantern parents …`: parent–pupil links, consent emails, reminders and the consent summary. */
export const parentsCommands: Readonly<Record<string, CommandEntry>> = {
  'parents links sync': defineCommand({
    summary: 'Load parent–pupil links from the directory, the config file and a MIS CSV export (parentId,parentName,email,pupilId)',
    usage: 'lantern parents links sync [--school ID] [--csv FILE]',
    options: linksSyncOptions,
    usageExitCode: 2,
    load: async () => (await import('./links-sync.js')).syncParentLinks,
  }),
  'parents send': defineCommand({
    summary: 'Email each linked parent a single-use consent link (once per round; --review for a change/withdraw link; --dry-run counts)',
    usage: 'lantern parents send --by NAME [--school ID] [--round NAME] [--review] [--dry-run]',
    options: sendOptions,
    usageExitCode: 2,
    load: async () => (await import('./send.js')).sendParentInvites,
  }),
  'parents remind': defineCommand({
    summary: 'Send the reminders that are due to parents who have not answered (the server does this daily)',
    usage: 'lantern parents remind [--school ID]',
    options: schoolOnlyOptions,
    usageExitCode: 2,
    load: async () => (await import('./remind.js')).remindParents,
  }),
  'parents status': defineCommand({
    summary: 'Count, per consent, how many pupils have a yes, a no, a withdrawal or no answer yet',
    usage: 'lantern parents status [--school ID]',
    options: schoolOnlyOptions,
    usageExitCode: 2,
    load: async () => (await import('./status.js')).showConsentStatus,
  }),
};
