import type { CliCommand } from './command.js';
import { agreementsIssueCommand } from './agreements-issue.js';
import { agreementsPublishCommand } from './agreements-publish.js';
import { agreementsStatusCommand } from './agreements-status.js';
import { evidenceExportCommand } from './evidence-export.js';
import { evidenceVerifyCommand } from './evidence-verify.js';

/** The `lantern agreements …` and `lantern evidence …` sub-commands, spread into CLI_COMMANDS. */
export const agreementsCommands: Readonly<Record<string, CliCommand>> = {
  'agreements issue': agreementsIssueCommand,
  'agreements status': agreementsStatusCommand,
  'agreements publish': agreementsPublishCommand,
  'evidence verify': evidenceVerifyCommand,
  'evidence export': evidenceExportCommand,
};
