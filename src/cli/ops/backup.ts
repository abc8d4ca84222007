import path from 'node:path';
import { createBackup } from '../../ops/backup/create.js';
import type { CliCommand } from '../command.js';
import { openOpsDatabase, readOptions } from './context.js';

const USAGE = 'lantern backup --out FILE [--config FILE]';

/** `lantern backup`: writes every collection, its indexes and the chain heads to one compressed archive. */
export const backupCommand: CliCommand = {
  summary: 'Back up the whole database (compressed, with indexes and the evidence chain heads) to one file',
  usage: USAGE,
  async run(args, io) {
    const options = readOptions(args, { out: 'string', config: 'string' });
    if (typeof options === 'string' || !options.out) {
      io.err(`${typeof options === 'string' ? options : '--out FILE is required'}\nUsage: ${USAGE}`);
      return 2;
    }
    const file = path.resolve(io.cwd, options.out);
    const { database } = await openOpsDatabase(io, options.config);
    try {
      const { counts, manifest } = await createBackup(database.connection.db!, file, new Date());
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      io.out(`Backed up ${total} document(s) in ${Object.keys(counts).length} collection(s) to ${file}.`);
      io.out(`Chain heads: ${Object.keys(manifest.heads.cases).length} case timeline(s), ${Object.keys(manifest.heads.signatures).length} signature chain(s), ${Object.keys(manifest.heads.monitoringChanges).length} monitoring change log(s).`);
      return 0;
    } finally {
      await database.close();
    }
  },
};
