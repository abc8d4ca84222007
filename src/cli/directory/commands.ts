import { defineCommand, type CommandEntry } from '../command.js';

/** `directory sync` options. */
export const syncOptions = { school: 'value', 'dry-run': 'bool', full: 'bool' } as const;

/** The `lantern directory …` sub-commands. */
export const directoryCommands: Readonly<Record<string, CommandEntry>> = {
  'directory sync': defineCommand({
    summary: "Read schools' directories (demo, CSV, Google Workspace, Entra or Wonde, as mapped in config) and update the people Lantern knows",
    usage: 'lantern directory sync [--school ID] [--dry-run] [--full]',
    options: syncOptions,
    load: async () => (await import('./sync.js')).syncDirectories,
  }),
};
