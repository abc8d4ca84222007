import { defineCommand, type CommandEntry } from '../command.js';

/** `teams package` options. */
export const packageOptions = { config: 'value', out: 'value' } as const;

/** `teams install` options. */
export const installOptions = { config: 'value', school: 'value', 'dry-run': 'bool', approve: 'bool' } as const;

/** The `lantern teams …` sub-commands. */
export const teamsCommands: Readonly<Record<string, CommandEntry>> = {
  'teams package': defineCommand({
    summary: 'Build the Teams app package (manifest + icons) from the config',
    usage: 'lantern teams package [--config FILE] [--out FILE]',
    options: packageOptions,
    load: async () => (await import('./package.js')).packageTeamsAppCommand,
  }),
  'teams install': defineCommand({
    summary: 'Install the Teams app for staff, governors and volunteers Lantern cannot message yet (--dry-run first)',
    usage: 'lantern teams install [--school ID] (--dry-run | --approve) [--config FILE]',
    options: installOptions,
    load: async () => (await import('./install.js')).installTeamsApp,
  }),
};
