import { defineCommand, type CommandEntry } from '../command.js';

/** `teams package` options. */
export const packageOptions = { config: 'value', out: 'value' } as const;

/** The `lantern teams …` sub-commands. */
export const teamsCommands: Readonly<Record<string, CommandEntry>> = {
  'teams package': defineCommand({
    summary: 'Build the Teams app package (manifest + icons) from the config',
    usage: 'lantern teams package [--config FILE] [--out FILE]',
    options: packageOptions,
    load: async () => (await import('./package.js')).packageTeamsAppCommand,
  }),
};
