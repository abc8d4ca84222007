import { defineCommand, type CommandEntry } from '../command.js';

/** `config check` takes the file as its one word and no options. */
export const checkOptions = {} as const;

/** The `lantern config …` sub-commands. */
export const configCommands: Readonly<Record<string, CommandEntry>> = {
  'config check': defineCommand({
    summary: 'Validate a configuration file and the directory files it names',
    usage: 'lantern config check FILE',
    options: checkOptions,
    positionals: true,
    load: async () => (await import('./check.js')).checkConfig,
  }),
};
