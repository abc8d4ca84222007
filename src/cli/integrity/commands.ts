import { defineCommand, type CommandEntry } from '../command.js';

/** `integrity verify` options. */
export const verifyOptions = { school: 'value', head: 'value', heads: 'value', config: 'value' } as const;
/** `integrity heads` options. */
export const headsOptions = { school: 'value', out: 'value', config: 'value' } as const;

/** The `lantern integrity …` sub-commands: check the chains against the key and the published heads. */
export const integrityCommands: Readonly<Record<string, CommandEntry>> = {
  'integrity verify': defineCommand({
    summary: 'Check the case timelines, signature evidence and monitoring change log with the integrity key, and against published heads',
    usage: 'lantern integrity verify [--school ID] [--head HEAD[,HEAD…]] [--heads FILE] [--config FILE]',
    options: verifyOptions,
    load: async () => (await import('./verify.js')).verifyIntegrityCommand,
  }),
  'integrity heads': defineCommand({
    summary: "Print each chain's head now, or write them to a file signed with the integrity key, for the school to keep",
    usage: 'lantern integrity heads [--school ID] [--out FILE] [--config FILE]',
    options: headsOptions,
    load: async () => (await import('./heads.js')).printHeads,
  }),
};
