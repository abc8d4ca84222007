import path from 'node:path';
import { createBackup } from '../../ops/backup/create.js';
import type { CommandRun } from '../command.js';
import { usageError } from '../kit/args.js';
import { withCommandDatabase } from '../kit/db.js';
import type { backupOptions } from './commands.js';

/** `lantern backup`: writes every collection, its indexes and the chain heads to one compressed archive. */
export const backup: CommandRun<typeof backupOptions> = async ({ flags, usage }, io) => {
  if (!flags.out) throw usageError('--out FILE is required.', usage);
  const file = path.resolve(io.cwd, flags.out);
  return withCommandDatabase(io, { configFile: flags.config }, async (db) => {
    const { counts, manifest } = await createBackup(db.connection.db!, file, new Date());
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    io.out(`Backed up ${total} document(s) in ${Object.keys(counts).length} collection(s) to ${file}.`);
    io.out(`Chain heads: ${Object.keys(manifest.heads.cases).length} case timeline(s), ${Object.keys(manifest.heads.signatures).length} signature chain(s), ${Object.keys(manifest.heads.monitoringChanges).length} monitoring change log(s).`);
    return 0;
  });
};
