import { readFileSync } from 'node:fs';
import { academicYearIn, calendarOf } from '../agreements/academic-year.js';
import path from 'node:path';
import type { LanternConfig, School } from '../config/load.js';
import { createLogger } from '../log/logger.js';
import { createMailTransport } from '../mail/index.js';
import { CONSENT_KINDS } from '../parents/consent-model.js';
import { currentConsents } from '../parents/consents.js';
import { sendDueReminders, sendParentLinks } from '../parents/invite.js';
import { linksFromDirectory, parseLinksCsv, syncLinks } from '../parents/links.js';
import type { CliCommand, CliIO } from './command.js';
import { openCasesDatabase, readFlags } from './cases-db.js';

function pickSchool(config: LanternConfig, flag: unknown, io: CliIO): School | null {
  const id = typeof flag === 'string' ? flag : config.schools[0]?.id;
  const school = config.schools.find((s) => s.id === id);
  if (!school) io.err(`No school "${id}" in the configuration; use one of: ${config.schools.map((s) => s.id).join(', ')}`);
  return school ?? null;
}

/** The default round name: one consent round per academic year, from the school's own year start. */
export function academicYearRound(now: Date, school: Parameters<typeof calendarOf>[0]): string {
  return `consent-${academicYearIn(now, calendarOf(school))}`;
}

const SYNC_USAGE = 'lantern parents links sync [--school ID] [--csv FILE]';
const SEND_USAGE = 'lantern parents send --by NAME [--school ID] [--round NAME] [--review] [--dry-run]';
const REMIND_USAGE = 'lantern parents remind [--school ID]';
const STATUS_USAGE = 'lantern parents status [--school ID]';

/** `lantern parents …`: parent–pupil links, consent emails, reminders and the consent summary. */
export const parentsCommands: Readonly<Record<string, CliCommand>> = {
  'parents links sync': {
    summary: 'Load parent–pupil links from the directory, the config file and a MIS CSV export (parentId,parentName,email,pupilId)',
    usage: SYNC_USAGE,
    async run(args, io) {
      const flags = readFlags(args, { '--school': 'value', '--csv': 'value' });
      if (typeof flags === 'string') {
        io.err(`${flags}\nUsage: ${SYNC_USAGE}`);
        return 2;
      }
      const ctx = await openCasesDatabase(io);
      try {
        const school = pickSchool(ctx.config, flags['--school'], io);
        if (!school) return 2;
        const now = new Date();
        const fromDir = await syncLinks(ctx.models, school.id, 'directory', await linksFromDirectory(ctx.models.people, school.id), now);
        io.out(`directory: ${fromDir.upserted} link(s), ${fromDir.deactivated} no longer listed, ${fromDir.revoked} unused email link(s) revoked`);
        const fromConfig = await syncLinks(ctx.models, school.id, 'config', school.parents?.links ?? [], now);
        io.out(`config file: ${fromConfig.upserted} link(s), ${fromConfig.deactivated} no longer listed, ${fromConfig.revoked} unused email link(s) revoked`);
        const base = ctx.config.mode === 'configured' ? path.dirname(ctx.config.source) : io.cwd;
        const csv = typeof flags['--csv'] === 'string' ? path.resolve(io.cwd, flags['--csv']) : school.parents?.linksCsv ? path.resolve(base, school.parents.linksCsv) : null;
        let unknown = [...fromDir.unknownPupils, ...fromConfig.unknownPupils];
        if (csv) {
          const fromCsv = await syncLinks(ctx.models, school.id, 'csv', parseLinksCsv(readFileSync(csv, 'utf8'), csv), now);
          io.out(`${path.basename(csv)}: ${fromCsv.upserted} link(s), ${fromCsv.deactivated} no longer listed, ${fromCsv.revoked} unused email link(s) revoked`);
          unknown = [...unknown, ...fromCsv.unknownPupils];
        }
        if (unknown.length) io.err(`${unknown.length} link(s) name a pupil the directory does not know and were skipped: ${[...new Set(unknown)].join(', ')}`);
        return 0;
      } finally {
        await ctx.close();
      }
    },
  },
  'parents send': {
    summary: 'Email each linked parent a single-use consent link (once per round; --review for a change/withdraw link; --dry-run counts)',
    usage: SEND_USAGE,
    async run(args, io) {
      const flags = readFlags(args, { '--school': 'value', '--round': 'value', '--review': 'bool', '--dry-run': 'bool', '--by': 'value' });
      if (typeof flags === 'string') {
        io.err(`${flags}\nUsage: ${SEND_USAGE}`);
        return 2;
      }
      // Emailing every parent is a decision someone at the school takes: their name is kept with the round.
      const approvedBy = typeof flags['--by'] === 'string' ? flags['--by'].trim() : '';
      if (!approvedBy && flags['--dry-run'] !== true) {
        io.err(`--by NAME is required: the name of the person who approved this send, e.g. --by "Ruth Okafor" (not needed with --dry-run).\nUsage: ${SEND_USAGE}`);
        return 2;
      }
      const ctx = await openCasesDatabase(io);
      try {
        const school = pickSchool(ctx.config, flags['--school'], io);
        if (!school) return 2;
        const dryRun = flags['--dry-run'] === true;
        const publicUrl = ctx.config.server.publicUrl;
        if (!publicUrl) {
          io.err('server.publicUrl is not set: the emailed links must point at an address parents can reach, e.g. https://lantern.northgate.sch.uk');
          return 2;
        }
        if (!dryRun && !school.parents?.sender) {
          io.err(`Set schools[].parents.sender for ${school.id}: the school address the consent emails come from.`);
          return 2;
        }
        const sender = dryRun ? null : createMailTransport(school.parents?.transport ?? 'gmail', ctx.config.mail);
        const now = new Date();
        const purpose = flags['--review'] === true ? 'review' : 'consent';
        const round = typeof flags['--round'] === 'string' ? flags['--round'] : purpose === 'review' ? `review-${now.toISOString().slice(0, 10)}` : academicYearRound(now, school);
        const r = await sendParentLinks(ctx.models, sender, { school, publicUrl, round, purpose, step: 0, now, dryRun, ...(approvedBy ? { approvedBy } : {}) }, createLogger({ level: 'warn' }));
        io.out(`${round}: ${dryRun ? `${r.wouldSend} would be sent` : `${r.sent} sent`}, ${r.already} already sent, ${r.failed} failed${dryRun ? '' : ` (approved by ${approvedBy})`}`);
        return r.failed ? 1 : 0;
      } finally {
        await ctx.close();
      }
    },
  },
  'parents remind': {
    summary: 'Send the reminders that are due to parents who have not answered (the server does this daily)',
    usage: REMIND_USAGE,
    async run(args, io) {
      const flags = readFlags(args, { '--school': 'value' });
      if (typeof flags === 'string') {
        io.err(`${flags}\nUsage: ${REMIND_USAGE}`);
        return 2;
      }
      const ctx = await openCasesDatabase(io);
      try {
        const school = pickSchool(ctx.config, flags['--school'], io);
        if (!school) return 2;
        if (!ctx.config.server.publicUrl || !school.parents?.sender) {
          io.err('Set server.publicUrl and schools[].parents.sender before sending reminders.');
          return 2;
        }
        const sender = createMailTransport(school.parents.transport, ctx.config.mail);
        const r = await sendDueReminders(ctx.models, sender, school, ctx.config.server.publicUrl, new Date(), createLogger({ level: 'warn' }));
        io.out(`${r.rounds} reminder step(s) due: ${r.sent} sent, ${r.already} already sent, ${r.failed} failed`);
        return r.failed ? 1 : 0;
      } finally {
        await ctx.close();
      }
    },
  },
  'parents status': {
    summary: 'Count, per consent, how many pupils have a yes, a no, a withdrawal or no answer yet',
    usage: STATUS_USAGE,
    async run(args, io) {
      const flags = readFlags(args, { '--school': 'value' });
      if (typeof flags === 'string') {
        io.err(`${flags}\nUsage: ${STATUS_USAGE}`);
        return 2;
      }
      const ctx = await openCasesDatabase(io);
      try {
        const school = pickSchool(ctx.config, flags['--school'], io);
        if (!school) return 2;
        const pupilIds = await ctx.models.parentLinks.distinct('pupilId', { schoolId: school.id, active: true });
        const counts = Object.fromEntries(CONSENT_KINDS.map((k) => [k, { given: 0, refused: 0, withdrawn: 0, none: 0 }]));
        for (const pupilId of pupilIds) {
          const state = await currentConsents(ctx.models, school.id, String(pupilId));
          for (const kind of CONSENT_KINDS) {
            const c = counts[kind] as Record<string, number>;
            const key = state[kind]?.decision ?? 'none';
            c[key] = (c[key] ?? 0) + 1;
          }
        }
        io.out(`${school.name}: ${pupilIds.length} pupil(s) with a linked parent`);
        for (const kind of CONSENT_KINDS) {
          const c = counts[kind] as Record<string, number>;
          io.out(`  ${kind}: ${c.given} yes, ${c.refused} no, ${c.withdrawn} withdrawn, ${c.none} no answer`);
        }
        return 0;
      } finally {
        await ctx.close();
      }
    },
  },
};
