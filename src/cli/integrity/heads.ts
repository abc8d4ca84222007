import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportHeads, formatHead, shortFingerprint } from '../../integrity/heads.js';
import { schoolHeads } from '../../ops/integrity/heads.js';
import { CHAIN_LABELS } from '../../ops/integrity/verify.js';
import type { CommandRun } from '../command.js';
import { withCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { headsOptions } from './commands.js';

/** `lantern integrity heads`: each chain's head now, printed or written to a signed file. */
export const printHeads: CommandRun<typeof headsOptions> = ({ flags }, io) =>
  withCommandDatabase(io, { configFile: flags.config }, async (ctx) => {
    const schools = flags.school ? [pickSchool(ctx.config, flags.school).id] : ctx.config.schools.map((s) => s.id);
    const now = new Date();
    const heads = (await Promise.all(schools.map((s) => schoolHeads(ctx.models, s, now)))).flat();
    for (const h of heads) io.out(`${h.schoolId} ${CHAIN_LABELS[h.chain]}: ${h.entries} entries, fingerprint ${shortFingerprint(h)}\n  ${formatHead(h)}`);
    if (flags.out) {
      const file = path.resolve(io.cwd, flags.out);
      writeFileSync(file, `${JSON.stringify(exportHeads(heads, now, ctx.models.integrity), null, 2)}\n`);
      io.out(ctx.models.integrity ? `Wrote ${file}, signed with key ${ctx.models.integrity.id}. Keep it away from the database server.` : `Wrote ${file} (not signed: no integrity key configured).`);
    }
    return 0;
  });
