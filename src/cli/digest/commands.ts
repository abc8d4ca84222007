import { defineCommand, type CommandEntry } from '../command.js';

/** `digest preview` options. */
export const previewOptions = { school: 'value', week: 'value', out: 'value', config: 'value' } as const;
/** `digest send` options. */
export const sendOptions = { school: 'value', week: 'value', config: 'value' } as const;

/** The `lantern digest …` sub-commands. */
export const digestCommands: Readonly<Record<string, CommandEntry>> = {
  'digest preview': defineCommand({
    summary: "Write a school's governors' digest to a folder (HTML, text, charts) without sending it",
    usage: 'lantern digest preview --school ID [--week 2026-W47] --out DIR [--config FILE]',
    options: previewOptions,
    load: async () => (await import('./preview.js')).previewDigest,
  }),
  'digest send': defineCommand({
    summary: "Send a school's governors' digest for a week now (once per week, like the schedule)",
    usage: 'lantern digest send --school ID --week 2026-W47 [--config FILE]',
    options: sendOptions,
    load: async () => (await import('./send.js')).sendDigest,
  }),
};
