import path from 'node:path';
import { restoreBackup } from '../../ops/backup/restore.js';
import type { CliCommand } from '../command.js';
import { openOpsDatabase, readOptions } from './context.js';

const USAGE = 'lantern restore --in FILE [--force] [--config FILE]';

/** `lantern restore`: loads a backup into an empty database (or, with --force, replaces one) and verifies every chain. */
export const restoreCommand: CliCommand = {
  summary: 'Restore a backup into an empty database (--force replaces a non-empty one), then verify every chain',
  usage: USAGE,
  async run(args, io) {
    const options = readOptions(args, { in: 'string', force: 'boolean', config: 'string' });
    if (typeof options === 'string' || !options.in) {
      io.err(`${typeof options === 'string' ? options : '--in FILE is required'}\nUsage: ${USAGE}`);
      return 2;
    }
    const file = path.resolve(io.cwd, options.in);
    const { database } = await openOpsDatabase(io, options.config);
    try {
      const report = await restoreBackup({ db: database.connection.db!, models: database.models }, file, { force: options.force === true });
      const total = Object.values(report.counts).reduce((a, b) => a + b, 0);
      io.out(`Restored ${total} document(s) in ${report.manifest.collections.length} collection(s) from the backup of ${report.manifest.createdAt}.`);
      for (const problem of report.problems) io.out(`✗ ${problem}`);
      if (report.problems.length > 0) {
        io.out(`${report.problems.length} problem(s) in the restored chains: keep the archive and tell your DPO.`);
        return 1;
      }
      io.out(`✓ ${report.casesChecked} case timeline(s) and ${report.signatureChains} signature chain(s) verify; the monitoring change logs are complete.`);
      return 0;
    } finally {
      await database.close();
    }
  },
};
