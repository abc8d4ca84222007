import { ErrorCode, LanternError } from '../../errors.js';
import { configuredSources } from '../../monitoring/connectors/school-connectors.js';
import { connectorStatus } from '../../monitoring/connectors/status.js';
import type { CliCommand } from '../command.js';
import { formatDuration, openMonitorContext, parseMonitorFlags } from './context.js';

const USAGE = 'lantern monitor status [--school ID] [--json]';

/** `lantern monitor status`: each connector stream's last good run, lag and last error. */
export const monitorStatusCommand: CliCommand = {
  summary: "Show each audit-log connector's last good run, how far behind it is, and its last error",
  usage: USAGE,
  async run(args, io) {
    const flags = parseMonitorFlags(args, { '--school': 'value', '--json': 'bool' }, USAGE);
    const ctx = await openMonitorContext(io, false);
    try {
      const schools = ctx.config.schools.filter((s) => flags['--school'] === undefined || s.id === flags['--school']);
      if (schools.length === 0) throw new LanternError(ErrorCode.UsageError, `There is no school "${String(flags['--school'])}" in ${ctx.config.source}.`);
      const now = new Date();
      for (const school of schools) {
        const statuses = await connectorStatus(ctx.models, school.id, now);
        if (flags['--json']) {
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
  },
};
