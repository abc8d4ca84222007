import { readFileSync } from 'node:fs';
import path from 'node:path';
import { linksFromDirectory, parseLinksCsv, syncLinks } from '../../parents/links.js';
import type { CommandRun } from '../command.js';
import { withCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { linksSyncOptions } from './commands.js';

/** `lantern parents links sync`: loads parent–pupil links from the directory, the config file and a MIS CSV. */
export const syncParentLinks: CommandRun<typeof linksSyncOptions> = ({ flags }, io) =>
  withCommandDatabase(io, {}, async (ctx) => {
    const school = pickSchool(ctx.config, flags.school);
    const now = new Date();
    const fromDir = await syncLinks(ctx.models, school.id, 'directory', await linksFromDirectory(ctx.models.people, school.id), now);
    io.out(`directory: ${fromDir.upserted} link(s), ${fromDir.deactivated} no longer listed, ${fromDir.revoked} unused email link(s) revoked`);
    const fromConfig = await syncLinks(ctx.models, school.id, 'config', school.parents?.links ?? [], now);
    io.out(`config file: ${fromConfig.upserted} link(s), ${fromConfig.deactivated} no longer listed, ${fromConfig.revoked} unused email link(s) revoked`);
    const base = ctx.config.mode === 'configured' ? path.dirname(ctx.config.source) : io.cwd;
    const csv = flags.csv !== undefined ? path.resolve(io.cwd, flags.csv) : school.parents?.linksCsv ? path.resolve(base, school.parents.linksCsv) : null;
    let unknown = [...fromDir.unknownPupils, ...fromConfig.unknownPupils];
    if (csv) {
      const fromCsv = await syncLinks(ctx.models, school.id, 'csv', parseLinksCsv(readFileSync(csv, 'utf8'), csv), now);
      io.out(`${path.basename(csv)}: ${fromCsv.upserted} link(s), ${fromCsv.deactivated} no longer listed, ${fromCsv.revoked} unused email link(s) revoked`);
      unknown = [...unknown, ...fromCsv.unknownPupils];
    }
    if (unknown.length) io.err(`${unknown.length} link(s) name a pupil the directory does not know and were skipped: ${[...new Set(unknown)].join(', ')}`);
    return 0;
  });
