import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createKioskLink, DEFAULT_KIOSK_LINK_DAYS, formatKioskToken, revokeKioskLinks, workingKioskLinks } from '../../agreements/kiosk-links.js';
import { inviteVersion } from '../../agreements/signer-links.js';
import { kioskSheetHtml } from '../../web/sign/kiosk-sheet.js';
import type { CommandRun } from '../command.js';
import { usageError } from '../kit/args.js';
import { withCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { kioskOptions } from './commands.js';

function days(value: string | undefined, usage: string): number {
  if (value === undefined) return DEFAULT_KIOSK_LINK_DAYS;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 800) throw usageError('--days must be a whole number of days from 1 to 800, e.g. --days 365.', usage);
  return n;
}

/**
 * `lantern agreements kiosk`: make a reception kiosk link for a policy and write the printable sheet with its QR code;
 * --revoke stops the policy's sheets working; --dry-run checks and says what would happen, changing nothing.
 */
export const kioskCommand: CommandRun<typeof kioskOptions> = async ({ flags, usage }, io) => {
  const { policy } = flags;
  const dryRun = flags['dry-run'] === true;
  if (!policy) throw usageError('--policy ID is required: the agreement visitors sign, e.g. --policy visitor-aua.', usage);
  const by = flags.by?.trim() ?? '';
  if (!by && !dryRun) throw usageError('--by NAME is required: who made (or withdrew) the sheet, kept with the link, e.g. --by "Ruth Okafor".', usage);
  const validFor = days(flags.days, usage);
  return withCommandDatabase(io, { configFile: flags.config }, async (ctx) => {
    const school = pickSchool(ctx.config, flags.school);
    const now = new Date();
    if (flags.revoke) {
      const working = (await workingKioskLinks(ctx.models, school.id, now)).filter((l) => l.policyId === policy);
      if (dryRun) {
        io.out(`Dry run — nothing changed. ${working.length} kiosk sheet(s) for ${policy} would stop working.`);
        return 0;
      }
      const n = await revokeKioskLinks(ctx.models, school.id, policy, by, now);
      io.out(`${n} kiosk sheet(s) for ${policy} no longer work. Take them down, and print a new one with lantern agreements kiosk --policy ${policy}.`);
      return 0;
    }
    const publicUrl = ctx.config.server.publicUrl?.replace(/\/$/, '');
    if (!publicUrl) {
      io.err('server.publicUrl is not set: the code on the sheet must open an address visitors’ phones can reach, e.g. https://lantern.northgate.sch.uk');
      return 2;
    }
    const out = path.resolve(io.cwd, flags.out ?? `kiosk-${policy}.html`);
    if (dryRun) {
      const version = await inviteVersion(ctx.models, school.id, policy);
      io.out(`Dry run — nothing stored or written. A kiosk sheet for "${version.title}" would be written to ${out}, working for ${validFor} days.`);
      return 0;
    }
    const { token, link, version } = await createKioskLink(ctx.models, { schoolId: school.id, policyId: policy, createdBy: by, days: validFor }, now);
    const url = `${publicUrl}/sign/kiosk/${formatKioskToken(token)}`;
    writeFileSync(out, kioskSheetHtml({ schoolName: school.name, policyTitle: version.title, url, shortUrl: url.replace(/^https?:\/\//, ''), expiresAt: link.expiresAt }));
    io.out(`Wrote the kiosk sheet for "${version.title}" to ${out}: print it for reception.`);
    io.out(`It opens ${url} and works until ${link.expiresAt.toISOString().slice(0, 10)}. Lantern keeps only a fingerprint of it: keep the file, or make a new sheet.`);
    return 0;
  });
};
