import { SELF_SIGNING_ROLES } from '../../agreements/audience.js';
import { graphAccess } from '../../cases/graph-mail-remediation.js';
import type { Person } from '../../directory/person.js';
import { ErrorCode, LanternError } from '../../errors.js';
import { findCatalogApp, installForUsers, type InstallTarget } from '../../microsoft/teams-app-install.js';
import type { CommandRun } from '../command.js';
import { withCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { installOptions } from './commands.js';

/**
 * `lantern teams install`: installs Lantern's Teams app for the staff, governors and volunteers it cannot message
 * yet, so their agreement cards reach them. `--dry-run` lists who would get it; `--approve` installs.
 */
export const installTeamsApp: CommandRun<typeof installOptions> = async ({ flags, usage }, io) => {
  const dryRun = flags['dry-run'] === true;
  if (dryRun === (flags.approve === true)) throw new LanternError(ErrorCode.UsageError, `Say --dry-run to see who would get the app, or --approve to install it.\nUsage: ${usage}`);
  return withCommandDatabase(io, { configFile: flags.config, requireSecrets: !dryRun }, async ({ config, models, logger }) => {
    const school = pickSchool(config, flags.school);
    const [people, refs] = await Promise.all([
      models.people.find({ schoolId: school.id, active: true }, { personId: 1, displayName: 1, role: 1, aadObjectId: 1 }).lean<Pick<Person, 'personId' | 'displayName' | 'role' | 'aadObjectId'>[]>(),
      models.conversationRefs.find({ scope: 'personal', installed: true }, { aadObjectId: 1 }).lean(),
    ]);
    const reachable = new Set(refs.map((r) => r.aadObjectId));
    const signers = people.filter((p) => SELF_SIGNING_ROLES.has(p.role));
    const noEntraId = signers.filter((p) => !p.aadObjectId);
    const targets = signers.filter((p) => p.aadObjectId && !reachable.has(p.aadObjectId));
    io.out(`${school.name}: ${signers.length - noEntraId.length - targets.length} of ${signers.length} people who sign in Teams can already be messaged; ${targets.length} would get the app${noEntraId.length ? `; ${noEntraId.length} have no Entra id in the directory, so Lantern cannot install it for them` : ''}.`);
    if (dryRun) {
      for (const p of targets) io.out(`  would install for ${p.displayName} (${p.role})`);
      for (const p of noEntraId) io.out(`  cannot install for ${p.displayName} (${p.role}): no Entra id`);
      io.out('Dry run — nothing installed. Run again with --approve to install.');
      return 0;
    }
    if (targets.length === 0) return 0;
    const access = graphAccess(config, school);
    if (!access) throw new LanternError(ErrorCode.UsageError, `No Microsoft credentials for ${school.name}: set the school's monitoring app or LANTERN_MS_CLIENT_ID / LANTERN_MS_CLIENT_SECRET, with the permissions in \`lantern permissions\` (teams-install).`);
    const manifestId = config.bot?.appId;
    if (!manifestId) throw new LanternError(ErrorCode.UsageError, 'No bot app id is configured (bot.appId): the Teams app to install is the one `lantern teams package` builds from it.');
    const catalogAppId = await findCatalogApp(access, manifestId);
    const report = await installForUsers(access, catalogAppId, targets.map((p) => ({ personId: p.personId, aadObjectId: p.aadObjectId }) as InstallTarget), {
      onProgress: (done, total) => {
        if (done % 25 === 0 || done === total) io.err(`  ${done}/${total} installed or tried`);
      },
    });
    const names = new Map(targets.map((p) => [p.personId, p.displayName]));
    io.out(`Installed for ${report.installed.length}; already had it ${report.alreadyInstalled.length}; failed ${report.failed.length}.`);
    for (const f of report.failed) io.out(`  failed for ${names.get(f.personId) ?? f.personId}: ${f.status ? `HTTP ${f.status}` : f.message}`);
    if (report.alreadyInstalled.length) io.out('People who already had the app are reached once they open Lantern in Teams (or it is removed and installed again).');
    logger.info({ schoolId: school.id, installed: report.installed.length, alreadyInstalled: report.alreadyInstalled.length, failed: report.failed.length }, 'teams app install');
    return report.failed.length > 0 ? 1 : 0;
  });
};
