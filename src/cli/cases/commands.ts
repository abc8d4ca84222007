import { defineCommand, type CommandEntry } from '../command.js';

/** `cases verify` options. */
export const verifyOptions = { school: 'value' } as const;
/** `cases export` options. */
export const exportOptions = { log: 'bool', chronology: 'value', case: 'value', html: 'bool', as: 'value', school: 'value', from: 'value', to: 'value', out: 'value' } as const;
/** `cases hold` options. */
export const holdOptions = { on: 'bool', off: 'bool', reason: 'value', as: 'value', school: 'value' } as const;
/** `cases retention` options. */
export const retentionOptions = { apply: 'bool' } as const;

/** `cases breach-decision` options. */
export const breachDecisionOptions = { reported: 'bool', 'not-reported': 'bool', 'ico-ref': 'value', date: 'value', reason: 'value', by: 'value', school: 'value' } as const;
/** `cases breaches` options. */
export const breachesOptions = { school: 'value', from: 'value', to: 'value', csv: 'bool', as: 'value', out: 'value' } as const;

/** The `lantern cases …` sub-commands. */
export const casesCommands: Readonly<Record<string, CommandEntry>> = {
  'cases verify': defineCommand({
    summary: "Check every DSL case's timeline for edits, insertions and deletions",
    usage: 'lantern cases verify [--school ID]',
    options: verifyOptions,
    usageExitCode: 2,
    load: async () => (await import('./verify.js')).verifyCaseTimelines,
  }),
  'cases export': defineCommand({
    summary: "Export the online-safety incident log or a pupil's chronology as CSV, or one case's printable chronology as HTML (DSL only)",
    usage: 'lantern cases export (--log | --chronology PUPIL_ID | --case CASE_NUMBER --html) --as DSL_EMAIL [--school ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--out FILE]',
    options: exportOptions,
    usageExitCode: 2,
    load: async () => (await import('./export.js')).exportCases,
  }),
  'cases hold': defineCommand({
    summary: 'Put a case on legal hold, or lift the hold (DSL only; recorded on the timeline)',
    usage: 'lantern cases hold CASE_NUMBER (--on | --off) --reason TEXT --as DSL_EMAIL [--school ID]',
    options: holdOptions,
    positionals: true,
    usageExitCode: 2,
    load: async () => (await import('./hold.js')).setCaseHold,
  }),
  'cases breach-decision': defineCommand({
    summary: "Record the DPO's decision on a possible personal-data breach: reported to the ICO, or not and why (recorded on the timeline)",
    usage: 'lantern cases breach-decision CASE_NUMBER (--reported --ico-ref REF --date YYYY-MM-DD | --not-reported --reason TEXT) --by EMAIL [--school ID]',
    options: breachDecisionOptions,
    positionals: true,
    usageExitCode: 2,
    load: async () => (await import('./breach.js')).recordBreachDecision,
  }),
  'cases breaches': defineCommand({
    summary: 'The personal-data breach register: clock, deadline, when the DPO was told, the decision (DSL only)',
    usage: 'lantern cases breaches --as DSL_EMAIL [--school ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--csv] [--out FILE]',
    options: breachesOptions,
    usageExitCode: 2,
    load: async () => (await import('./breach.js')).listBreaches,
  }),
  'cases retention': defineCommand({
    summary: 'Delete closed cases past their retention date and not on legal hold (dry run unless --apply)',
    usage: 'lantern cases retention [--apply]',
    options: retentionOptions,
    usageExitCode: 2,
    load: async () => (await import('./retention.js')).reviewRetention,
  }),
};
