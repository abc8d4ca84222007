import { graphAccess } from '../../cases/graph-mail-remediation.js';
import { ErrorCode, LanternError } from '../../errors.js';
import { googleAuthFactory } from '../../google/auth.js';
import { driveFileLister } from '../../google/drive/list-files.js';
import { googleWalker } from '../../monitoring/inventory/google-walker.js';
import { microsoftWalker } from '../../monitoring/inventory/microsoft-walker.js';
import { DRIVE_QUOTA, graphQuotaFor } from '../../monitoring/inventory/quotas.js';
import { inventoryReport, type InventoryReport } from '../../monitoring/inventory/report.js';
import { runInventory, type InventoryProgress, type InventoryRunSummary } from '../../monitoring/inventory/run.js';
import { inventoryTargets } from '../../monitoring/inventory/targets.js';
import type { InventorySource } from '../../monitoring/inventory/types.js';
import type { InventoryWalker } from '../../monitoring/inventory/walker.js';
import type { LanternConfig, School } from '../../config/load.js';
import type { CliIO, CommandRun } from '../command.js';
import { withCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { inventoryOptions } from './commands.js';

const DEFAULT_CONCURRENCY: Record<InventorySource, number> = { google: 16, microsoft: 8 };

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

const n = (x: number) => x.toLocaleString('en-GB');

/** The progress line: drives done of all, files read, exposed found, rate and time left. */
export function progressLine(p: InventoryProgress): string {
  return `${p.source}: ${n(p.unitsDone)}/${n(p.units)} drives, ${n(p.files)} files, ${n(p.exposed)} shared outside, ${n(Math.round(p.rate))} files/s${p.etaMs !== undefined ? `, about ${duration(p.etaMs)} left` : ''}${p.throttled ? `, ${n(p.throttled)} throttled` : ''}`;
}

function walkerFor(source: InventorySource, config: LanternConfig, school: School, targets: Awaited<ReturnType<typeof inventoryTargets>>, licences: number | undefined): InventoryWalker | string {
  if (source === 'google') {
    const keyFile = config.mail.google.serviceAccountKeyFile;
    if (!keyFile) return 'LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE is not set: the Drive inventory acts as each user through domain-wide delegation (scope drive.metadata.readonly)';
    const auth = googleAuthFactory({ keyFile, refreshOnAuthFailure: true, ...(config.mail.google.tokenUrl ? { tokenUrl: config.mail.google.tokenUrl } : {}) });
    return googleWalker({ lister: driveFileLister(auth, { apiUrl: config.mail.google.apiUrl, pageSize: DRIVE_QUOTA.maxPageSize }), view: targets.view, users: targets.googleUsers, quota: DRIVE_QUOTA });
  }
  const access = graphAccess(config, school);
  if (!access) return 'no Microsoft credentials (the monitoring app or LANTERN_MS_CLIENT_ID / LANTERN_MS_CLIENT_SECRET) with Files.Read.All and Sites.Read.All';
  return microsoftWalker({ access, view: targets.view, users: targets.microsoftUsers, sites: true, quota: graphQuotaFor(licences ?? targets.microsoftUsers.length) });
}

function printReport(io: CliIO, summaries: InventoryRunSummary[], report: InventoryReport): void {
  for (const s of summaries) {
    io.out(`${s.source}: ${s.status === 'done' ? 'finished' : 'stopped — run again with --resume to carry on'}; ${n(s.unitsDone)}/${n(s.units)} drives, ${n(s.files)} files read, ${n(s.exposed)} shared outside the school${s.failedUnits ? `, ${n(s.failedUnits)} drives could not be read` : ''}${s.throttled ? `, ${n(s.throttled)} throttled answers waited out` : ''} (${duration(s.elapsedMs)}).`);
  }
  io.out(`Shared outside the school: ${n(report.exposed)} files — anyone with the link ${n(report.byKind['anyone-with-link'])}, an outside domain ${n(report.byKind['external-domain'])}, outside people ${n(report.byKind['external-user'])}.`);
  io.out(`Priority: high ${n(report.byPriority.high)}, medium ${n(report.byPriority.medium)}, low ${n(report.byPriority.low)}; ${n(report.pupilDataLikely)} look like pupil data, ${n(report.ownedByPupils)} belong to pupils.`);
  if (report.top.length) io.out('Highest priority (no titles are stored; open the file by its id in Drive or OneDrive):');
  for (const t of report.top) {
    const why = [t.pupilDataLikely ? 'looks like pupil data' : '', t.ownerIsPupil ? "a pupil's file" : '', t.sharedWithPupils ? 'shared with pupils' : ''].filter(Boolean).join(', ');
    io.out(`  ${t.priority.padEnd(6)} ${t.itemId}  ${t.owner}  ${t.kinds.join('+')}${t.outsideDomains.length ? ` (${t.outsideDomains.join(', ')})` : ''}  ${t.mimeCategory}${t.modifiedAt ? `, changed ${t.modifiedAt}` : ''}${why ? `  — ${why}` : ''}`);
  }
  if (report.exposed) io.out('To fix: lantern monitor inventory fix --kind remove-public-link|remove-external-access --priority high --by EMAIL --dry-run');
}

/**
 * `lantern monitor inventory`: walks every user's Drive and every OneDrive / SharePoint library for files shared
 * outside the school, paced to each API's quota, with a progress line on stderr; `--resume` carries on a stopped run.
 */
export const runInventoryCommand: CommandRun<typeof inventoryOptions> = async ({ flags, usage }, io) => {
  const wanted = flags.source ?? 'all';
  if (!['google', 'microsoft', 'all'].includes(wanted)) throw new LanternError(ErrorCode.UsageError, `--source must be google, microsoft or all.\nUsage: ${usage}`);
  const concurrency = flags.concurrency === undefined ? undefined : Number(flags.concurrency);
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 64)) throw new LanternError(ErrorCode.UsageError, `--concurrency must be a whole number from 1 to 64.\nUsage: ${usage}`);
  const licences = flags.licences === undefined ? undefined : Number(flags.licences);
  if (licences !== undefined && !(Number.isInteger(licences) && licences >= 1)) throw new LanternError(ErrorCode.UsageError, `--licences must be the number of Microsoft 365 licences in the tenant.\nUsage: ${usage}`);
  return withCommandDatabase(io, { requireSecrets: true, log: 'stderr' }, async ({ config, models, logger }) => {
    const school = pickSchool(config, flags.school);
    const targets = await inventoryTargets(models, school);
    const sources: InventorySource[] = wanted === 'all' ? ['google', 'microsoft'] : [wanted as InventorySource];
    const walkers: InventoryWalker[] = [];
    for (const source of sources) {
      const w = walkerFor(source, config, school, targets, licences);
      if (typeof w !== 'string') walkers.push(w);
      else if (wanted !== 'all') throw new LanternError(ErrorCode.ConfigInvalid, `Cannot read ${source === 'google' ? 'Google Drive' : 'OneDrive / SharePoint'} for ${school.name}: ${w}.`);
      else io.err(`Skipping ${source}: ${w}.`);
    }
    if (walkers.length === 0) throw new LanternError(ErrorCode.ConfigInvalid, `${school.name} has neither Google nor Microsoft credentials for the inventory: see "Permissions to grant" in the README.`);
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    const summaries: InventoryRunSummary[] = [];
    try {
      for (const walker of walkers) {
        let last = 0;
        const summary = await runInventory(models, school.id, targets.view, walker, {
          resume: flags.resume === true,
          concurrency: concurrency ?? DEFAULT_CONCURRENCY[walker.source],
          signal: stop.signal,
          logger,
          onProgress: (p) => {
            if (Date.now() - last < 1_000 && p.unitsDone < p.units) return;
            last = Date.now();
            io.err(progressLine(p));
          },
        });
        io.err(`${walker.source}: ${summary.resumed ? 'resumed run' : 'run'} ${summary.runId} ${summary.status === 'done' ? 'finished' : 'stopped'}.`);
        summaries.push(summary);
        if (stop.signal.aborted) break;
      }
    } finally {
      process.removeListener('SIGINT', onSignal);
    }
    const report = await inventoryReport(models, summaries.map((s) => s.runId));
    if (flags.json) io.out(JSON.stringify({ runs: summaries, report }, null, 2));
    else printReport(io, summaries, report);
    return summaries.every((s) => s.status === 'done') ? 0 : 1;
  });
};
