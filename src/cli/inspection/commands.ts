import { defineCommand, type CommandEntry } from '../command.js';

/** `inspection pack` options. */
export const packOptions = { from: 'value', to: 'value', out: 'value', school: 'value', config: 'value' } as const;

/** The `lantern inspection …` sub-commands. */
export const inspectionCommands: Readonly<Record<string, CommandEntry>> = {
  'inspection pack': defineCommand({
    summary: 'Write the records an inspector asks for (agreements, training, consent, filtering, rule changes, incidents, integrity heads) as HTML and CSV',
    usage: 'lantern inspection pack --from YYYY-MM-DD --to YYYY-MM-DD --out DIR [--school ID] [--config FILE]',
    options: packOptions,
    load: async () => (await import('./pack.js')).writeInspectionPack,
  }),
};
