import { configuredSources } from '../../monitoring/connectors/school-connectors.js';
import { connectorStatus } from '../../monitoring/connectors/status.js';
import type { CommandRun } from '../command.js';
import { openCommandDatabase } from '../kit/db.js';
import { schoolsNamed } from '../kit/school.js';
import type { statusOptions } from './commands.js';
import { formatDuration } from './durations.js';

/** `lantern monitor status`: each connector stream's last good run, lag and last error. */
export const showConnectorStatus: CommandRun<typeof statusOptions> = async ({ flags }, io) => {
    const ctx = await openCommandDatabase(io);
    try {
      const schools = schoolsNamed(ctx.config, flags.school);
      const now = new Date();
      for (const school of schools) {
        const statuses = await connectorStatus(ctx.models, school.id, now);
        if (flags.json) {
          for (const s of statuses) io.out(JSON.stringify(s));
          continue;
        }
        const sources = configuredSources(ctx.config, school.id);
        io.out(`${school.name} (${school.id}) — monitoring ${sources.length > 0 ? sources.join(' and ') : 'not configured (no audit-log credentials)'}`);
        if (statuses.length === 0) {
          io.out('  no connector has run yet');
          continue;
        }
        for (const s of statuses) {
          const good = s.lastGoodRunAt ? s.lastGoodRunAt.toISOString().slice(0, 16).replace('T', ' ') : 'never';
          const lag = s.lagMs === null ? '—' : formatDuration(s.lagMs);
          const error = s.lastError ? `  last error ${s.lastError.at.toISOString().slice(0, 16).replace('T', ' ')}: ${s.lastError.message}` : '';
          io.out(`  ${s.stream.padEnd(34)} last good run ${good}  behind ${lag}${error}`);
        }
      }
      return 0;
    } finally {
      await ctx.close();
    }
};
