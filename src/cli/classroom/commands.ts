import { defineCommand, type CommandEntry } from '../command.js';

/** `classroom post` options. */
export const postOptions = { version: 'value', school: 'value', 'dry-run': 'bool' } as const;
/** `classroom status` options. */
export const statusOptions = { version: 'value', school: 'value' } as const;

/** The `lantern classroom …` sub-commands. */
export const classroomCommands: Readonly<Record<string, CommandEntry>> = {
  'classroom post': defineCommand({
    summary: 'Post the pupil agreement as a Google Classroom assignment in each mapped course (re-runs update, never duplicate)',
    usage: 'lantern classroom post --version ID|POLICY [--school ID] [--dry-run]',
    options: postOptions,
    usageExitCode: 2,
    load: async () => (await import('./assignments.js')).postAssignments,
  }),
  'classroom status': defineCommand({
    summary: 'Show, per Classroom course, who should sign the pupil agreement, who has and who has not',
    usage: 'lantern classroom status --version ID|POLICY [--school ID]',
    options: statusOptions,
    usageExitCode: 2,
    load: async () => (await import('./assignments.js')).showAssignments,
  }),
};
