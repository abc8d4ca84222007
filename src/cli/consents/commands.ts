import { defineCommand, type CommandEntry } from '../command.js';

/** `consents class` options. */
export const classOptions = { school: 'value', class: 'value', type: 'value', out: 'value', by: 'value', config: 'value' } as const;

/** `lantern consents …`: what parents' consent answers mean for a class. */
export const consentsCommands: Readonly<Record<string, CommandEntry>> = {
  'consents class': defineCommand({
    summary: 'List who in a class may not appear in photos (or other uses parents are asked about); --out writes a printable page',
    usage: 'lantern consents class --class NAME [--school ID] [--type ID] [--out FILE.html] [--by NAME] [--config FILE]',
    options: classOptions,
    load: async () => (await import('./class.js')).printClassList,
  }),
};
