import type { LanternConfig } from '../../config/load.js';
import type { JobContext, JobDeps, JobRun, JobSchedule } from '../../jobs/index.js';
import type { Source } from '../types.js';
import { pollSource, type PollSourceOptions } from './poll-source.js';
import { configuredSources, type AuditClientFactories } from './school-connectors.js';

/** The data of a `monitor.poll` job. */
export interface MonitorPollData {
  schoolId: string;
  source: Source;
  /** Only these stream ids (a push notification's application); all of the source's streams when absent. */
  streams?: string[];
}

/** How often each configured (school, source) is polled. */
export const MONITOR_POLL_CRON = '*/5 * * * *';
// Extend the job's lease at most this often while a long poll (a first run, a big school) reports progress.
const LEASE_EVERY_MS = 20_000;

/** Job handlers of the audit-log connectors, on the given API clients; `options` lets tests set retry timing. */
export function monitorJobHandlers(deps: JobDeps, clients: AuditClientFactories, options: Pick<PollSourceOptions, 'retry'> = {}) {
  return {
    /** Polls every stream of one school's Google or Microsoft audit logs from its checkpoints. */
    'monitor.poll': async (job: JobRun<MonitorPollData>, ctx: JobContext) => {
      if (!configuredSources(deps.config, job.data.schoolId).includes(job.data.source)) return { skipped: 'no credentials configured for this source' };
      let lastExtend = Date.now();
      const summary = await pollSource({ ...deps, clients, logger: ctx.logger }, job.data.schoolId, job.data.source, {
        signal: ctx.signal,
        ...(job.data.streams ? { streams: job.data.streams } : {}),
        ...options,
        onProgress: () => {
          if (Date.now() - lastExtend < LEASE_EVERY_MS) return;
          lastExtend = Date.now();
          void ctx.extendLease().catch(() => undefined);
        },
      });
      return {
        streams: summary.streams.length,
        failed: summary.streams.filter((s) => !s.ok).map((s) => `${s.stream}: ${s.ok ? '' : s.code}`),
        detections: summary.streams.reduce((n, s) => n + (s.ok ? s.result.created : 0), 0),
      };
    },
  };
}

/** A poll every five minutes for each (school, source) with credentials; none for schools without. */
export function monitorSchedules(config: LanternConfig): JobSchedule<ReturnType<typeof monitorJobHandlers>>[] {
  return config.schools.flatMap((school) =>
    configuredSources(config, school.id).map((source) => ({
      name: `monitor.poll:${school.id}:${source}`,
      cron: MONITOR_POLL_CRON,
      timezone: school.timezone,
      jobName: 'monitor.poll' as const,
      schoolId: school.id,
      data: { schoolId: school.id, source },
    })),
  );
}
