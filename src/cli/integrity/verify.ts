import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseHead, readHeadsExport, type ChainHead } from '../../integrity/heads.js';
import { describeIntegrity, verifyIntegrity } from '../../ops/integrity/verify.js';
import type { CommandRun } from '../command.js';
import { withCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { verifyOptions } from './commands.js';

/** `lantern integrity verify`: every chain with the key, and any published heads; exit 1 when anything is wrong. */
export const verifyIntegrityCommand: CommandRun<typeof verifyOptions> = ({ flags }, io) =>
  withCommandDatabase(io, { configFile: flags.config }, async (ctx) => {
    const schools = flags.school ? [pickSchool(ctx.config, flags.school).id] : ctx.config.schools.map((s) => s.id);
    const published: ChainHead[] = (flags.head ?? '').split(',').filter((h) => h.trim()).map(parseHead);
    let fileOk = true;
    if (flags.heads) {
      const file = readHeadsExport(readFileSync(path.resolve(io.cwd, flags.heads), 'utf8'), ctx.models.integrity);
      published.push(...file.heads);
      fileOk = file.signature !== 'invalid';
      io.out(
        file.signature === 'valid'
          ? `Heads file ${flags.heads}: signed with this key; ${file.heads.length} head(s).`
          : file.signature === 'invalid'
            ? `✗ Heads file ${flags.heads}: its signature does not match this key: it was changed, or made with another key.`
            : `Heads file ${flags.heads}: ${file.signature === 'unsigned' ? 'not signed' : 'signature not checked (no key)'}; ${file.heads.length} head(s).`,
      );
    }
    const report = await verifyIntegrity(ctx.models, schools, published.filter((h) => schools.includes(h.schoolId)));
    for (const line of describeIntegrity(report)) io.out(line);
    return report.ok && fileOk ? 0 : 1;
  });
