import os from 'node:os';
import type { LanternConfig, School } from '../config/load.js';
import { ErrorCode, isLanternError } from '../errors.js';
import type { JobContext, JobDeps, JobRun, JobSchedule } from '../jobs/index.js';
import { missedWeeks } from './catch-up.js';
import { sendTrustDigest } from './rollup.js';
import { sendSchoolDigest, type DigestDeps } from './run.js';
import type { DigestCardPoster } from './ports.js';
import { postDigestCard } from './teams-card.js';
import { formatIsoWeek, parseIsoWeek, reportedWeek } from './week.js';

/** The data of one `digest.send` job: which school and which ISO week. */
export interface DigestJobData {
  schoolId: string;
  weekId: string;
}

const DAYS = { sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6 } as const;

/** The cron of a school's digest, e.g. "0 7 * * 1" for Mondays at 07:00 in the school's zone. */
export function digestCron(school: School): string {
  const d = school.digest;
  const [hh, mm] = (d?.time ?? '07:00').split(':');
  return `${Number(mm)} ${Number(hh)} * * ${DAYS[d?.day ?? 'monday']}`;
}

/** Job handlers of the digest; `overrides` lets tests swap the transport or inject crashes. */
export function digestJobHandlers(deps: JobDeps & { digestCards: DigestCardPoster }, overrides: Partial<DigestDeps> = {}) {
  const digestDeps: DigestDeps = { ...deps, instanceId: `${os.hostname()}:${process.pid}`, ...overrides };
  return {
    /** Sends one school's digest for one week, exactly once (see src/digest/send.ts). */
    'digest.send': async (job: JobRun<DigestJobData>, ctx: JobContext) => {
      const school = deps.config.schools.find((s) => s.id === job.data.schoolId);
      if (!school) return { skipped: 'school no longer configured' };
      const week = parseIsoWeek(job.data.weekId);
      let result: Record<string, unknown>;
      try {
        // Weeks missed while Lantern was down are sent first, oldest first: governors never lose a week.
        const caughtUp: string[] = [];
        for (const missed of await missedWeeks(deps.models, job.data.schoolId, week)) {
          await sendSchoolDigest(digestDeps, job.data.schoolId, missed);
          caughtUp.push(formatIsoWeek(missed));
        }
        const outcome = await sendSchoolDigest(digestDeps, job.data.schoolId, week);
        result = caughtUp.length > 0 ? { status: outcome.status, caughtUp } : { status: outcome.status };
      } catch (err) {
        // Missing settings will not fix themselves by retrying: record why, once, instead of five failed attempts.
        if (isLanternError(err, ErrorCode.MailNotConfigured) || isLanternError(err, ErrorCode.DigestNotConfigured)) {
          ctx.logger.warn({ code: err.code, err: err.message }, 'Governors’ digest not sent: settings missing');
          result = { skipped: err.message };
        } else throw err;
      }
      // The governors' channel card, after the email or instead of it (a school may choose the card only).
      if (school.digest?.channel) result.teams = await postDigestCard(digestDeps, school.id, week, { poster: deps.digestCards, logger: ctx.logger });
      return result;
    },
    /** Sends the trust's roll-up across its schools for one week, exactly once. */
    'digest.trust': async (job: JobRun<{ weekId: string }>) => ({ status: (await sendTrustDigest(digestDeps, parseIsoWeek(job.data.weekId))).status }),
  };
}

/** Each enabled school's weekly digest and the trust's roll-up; the job key is per school and week, so a week is enqueued once. */
export function digestSchedules(config: LanternConfig): JobSchedule<ReturnType<typeof digestJobHandlers>>[] {
  const schedules: JobSchedule<ReturnType<typeof digestJobHandlers>>[] = [];
  for (const school of config.schools) {
    if (!school.digest?.enabled) continue;
    const weekOf = (occurrence: Date) => formatIsoWeek(reportedWeek(occurrence, school.timezone));
    schedules.push({
      name: `digest.send:${school.id}`,
      cron: digestCron(school),
      timezone: school.timezone,
      jobName: 'digest.send',
      schoolId: school.id,
      key: (occurrence) => `digest:${school.id}:${weekOf(occurrence)}`,
      data: (occurrence) => ({ schoolId: school.id, weekId: weekOf(occurrence) }),
    });
  }
  const trust = config.trust;
  if (trust?.digest?.enabled) {
    const timezone = config.schools[0]?.timezone ?? 'Europe/London';
    const weekOf = (occurrence: Date) => formatIsoWeek(reportedWeek(occurrence, timezone));
    schedules.push({
      name: `digest.trust:${trust.id}`,
      cron: digestCron({ digest: trust.digest } as School),
      timezone,
      jobName: 'digest.trust',
      key: (occurrence) => `digest:trust:${trust.id}:${weekOf(occurrence)}`,
      data: (occurrence) => ({ weekId: weekOf(occurrence) }),
    });
  }
  return schedules;
}
