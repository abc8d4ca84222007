import { defineCommand, type CommandEntry } from '../command.js';

/** `lantern doctor` options. */
export const doctorOptions = { config: 'value', school: 'value', json: 'bool' } as const;
/** `lantern backup` options. */
export const backupOptions = { out: 'value', config: 'value' } as const;
/** `lantern restore` options. */
export const restoreOptions = { in: 'value', force: 'bool', config: 'value' } as const;

/** `lantern permissions` options: none. */
export const permissionsOptions = {} as const;

/** The operations commands: checking a set-up, backing up and restoring. */
export const opsCommands: Readonly<Record<string, CommandEntry>> = {
  doctor: defineCommand({
    summary: "Check a school's set-up (database, bot, Teams, Microsoft and Google permissions, mail, public address) and say what to fix",
    usage: 'lantern doctor [--config FILE] [--school ID] [--json]',
    options: doctorOptions,
    load: async () => (await import('./doctor.js')).doctor,
  }),
  permissions: defineCommand({
    summary: 'Print the Microsoft application permissions and Google scopes to grant, with what each is for',
    usage: 'lantern permissions',
    options: permissionsOptions,
    load: async () => (await import('./permissions.js')).permissions,
  }),
  backup: defineCommand({
    summary: 'Back up the whole database (compressed, with indexes and the evidence chain heads) to one file',
    usage: 'lantern backup --out FILE [--config FILE]',
    options: backupOptions,
    load: async () => (await import('./backup.js')).backup,
  }),
  restore: defineCommand({
    summary: 'Restore a backup into an empty database (--force replaces a non-empty one), then verify every chain',
    usage: 'lantern restore --in FILE [--force] [--config FILE]',
    options: restoreOptions,
    load: async () => (await import('./restore.js')).restore,
  }),
};
