import { createLogger } from '../../log/logger.js';
import { createMailTransport } from '../../mail/index.js';
import { sendDueReminders } from '../../parents/invite.js';
import type { CommandRun } from '../command.js';
import { withCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { schoolOnlyOptions } from './commands.js';

/** `lantern parents remind`: sends the reminders that are due to parents who have not answered. */
export const remindParents: CommandRun<typeof schoolOnlyOptions> = ({ flags }, io) =>
  withCommandDatabase(io, {}, async (ctx) => {
    const school = pickSchool(ctx.config, flags.school);
    if (!ctx.config.server.publicUrl || !school.parents?.sender) {
      io.err('Set server.publicUrl and schools[].parents.sender before sending reminders.');
      return 2;
    }
    const sender = createMailTransport(school.parents.transport, ctx.config.mail);
    const r = await sendDueReminders(ctx.models, sender, school, ctx.config.server.publicUrl, new Date(), createLogger({ level: 'warn' }));
    io.out(`${r.rounds} reminder step(s) due: ${r.sent} sent, ${r.already} already sent, ${r.failed} failed`);
    return r.failed ? 1 : 0;
  });
