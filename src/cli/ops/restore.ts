import path from 'node:path';
import { restoreBackup } from '../../ops/backup/restore.js';
import type { CommandRun } from '../command.js';
import { usageError } from '../kit/args.js';
import { withCommandDatabase } from '../kit/db.js';
import type { restoreOptions } from './commands.js';

/** `lantern restore`: loads a backup into an empty database (or, with --force, replaces one) and verifies every chain. */
export const restore: CommandRun<typeof restoreOptions> = async ({ flags, usage }, io) => {
  if (!flags.in) throw usageError('--in FILE is required.', usage);
  const file = path.resolve(io.cwd, flags.in);
  return withCommandDatabase(io, { configFile: flags.config }, async (db) => {
    const report = await restoreBackup({ db: db.connection.db!, models: db.models }, file, { force: flags.force === true });
    const total = Object.values(report.counts).reduce((a, b) => a + b, 0);
    io.out(`Restored ${total} document(s) in ${report.manifest.collections.length} collection(s) from the backup of ${report.manifest.createdAt}.`);
    for (const problem of report.problems) io.out(`✗ ${problem}`);
    if (report.problems.length > 0) {
      io.out(`${report.problems.length} problem(s) in the restored chains: keep the archive and tell your DPO.`);
      return 1;
    }
    io.out(`✓ ${report.casesChecked} case timeline(s) and ${report.signatureChains} signature chain(s) verify; the monitoring change logs are complete.`);
    return 0;
  });
};
