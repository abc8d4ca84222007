import type { CliCommand } from '../command.js';
import { agreementsIssueCommand } from './issue.js';
import { agreementsPublishCommand } from './publish.js';
import { agreementsStatusCommand } from './status.js';
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
