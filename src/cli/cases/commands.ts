import type { CliCommand } from '../command.js';
import { casesExportCommand } from './export.js';
import { casesHoldCommand, casesRetentionCommand } from './hold.js';
import { casesVerifyCommand } from './verify.js';

/** The `lantern cases …` sub-commands, spread into CLI_COMMANDS. */
export const casesCommands: Readonly<Record<string, CliCommand>> = {
  'cases verify': casesVerifyCommand,
  'cases export': casesExportCommand,
  'cases hold': casesHoldCommand,
  'cases retention': casesRetentionCommand,
};
