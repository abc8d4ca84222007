import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { ErrorCode, LanternError } from '../../errors.js';
import { detectionJson, detectionTable, nothingReadable, problemLine, summaryLines } from '../../monitoring/scan/format.js';
import { runScan } from '../../monitoring/scan/run-scan.js';
import { loadTenantFile } from '../../monitoring/scan/tenant-file.js';
import { createTenantContext } from '../../monitoring/tenant.js';
import type { Detection } from '../../monitoring/types.js';
import { commandFrom, type CliCommand } from '../command.js';
import { usageError } from '../kit/args.js';
import { scanSpec } from './commands.js';

/** Problem lines printed before the rest are only counted (a broken export can have millions). */
const MAX_PROBLEM_LINES = 100;

/** `--json` lines are written in batches of about this many characters: a write per detection costs a system call each. */
const OUTPUT_BATCH_CHARS = 64 * 1024;

/** Builds the command; `stdin` is injectable so tests can feed `--input -`. */
export function createScanCommand(stdin?: AsyncIterable<Buffer | string>): CliCommand {
  return commandFrom(scanSpec, async ({ flags, usage }, io) => {
      if (!flags.input) throw usageError('--input is required (a JSON / JSONL file, a Purview or Google Admin console CSV export, or - for standard input)', usage);
      if (!flags.config) throw usageError('--config is required (the tenant file: ownDomains, trustedDomains, people)', usage);
      const parsed = { input: flags.input, config: flags.config, json: flags.json === true, strict: flags.strict === true };
      const tenantFile = path.resolve(io.cwd, parsed.config);
      const loaded = await loadTenantFile(tenantFile);
      let input: AsyncIterable<Buffer | string>;
      const label = parsed.input === '-' ? 'standard input' : parsed.input;
      if (parsed.input === '-') input = stdin ?? process.stdin;
      else {
        const file = path.resolve(io.cwd, parsed.input);
        try {
          if (!statSync(file).isFile()) throw new Error('not a file');
        } catch (err) {
          throw new LanternError(ErrorCode.UsageError, `Cannot read the input file ${parsed.input}: ${(err as Error).message}. Check the path, or pass - to read standard input.`, { cause: err });
        }
        // 64 KB chunks stay in V8's young generation; 1 MB ones go straight to large-object space and inflate RSS.
        input = createReadStream(file, { highWaterMark: 64 * 1024 });
      }
      const collected: Detection[] = [];
      let batch: string[] = [];
      let batchChars = 0;
      const flush = (): void => {
        if (batch.length === 0) return;
        io.out(batch.join('\n'));
        batch = [];
        batchChars = 0;
      };
      const writeJson = (d: Detection): void => {
        const line = detectionJson(d);
        batch.push(line);
        batchChars += line.length;
        if (batchChars >= OUTPUT_BATCH_CHARS) flush();
      };
      let problems = 0;
      const summary = await runScan({
        input,
        tenant: createTenantContext(loaded.input),
        settings: loaded.settings,
        suppressions: loaded.suppressions,
        strict: parsed.strict,
        onDetection: (d) => (parsed.json ? writeJson(d) : collected.push(d)),
        onProblem: (p) => {
          if (++problems <= MAX_PROBLEM_LINES) io.err(problemLine(p));
          else if (problems === MAX_PROBLEM_LINES + 1) io.err(`… further problems are counted in the summary but not listed.`);
        },
      });
      flush();
      if (summary.aborted) {
        io.err(`Error: ${problemLine(summary.aborted)}`);
        for (const line of summaryLines(summary, label)) io.err(line);
        return 1;
      }
      if (!parsed.json) for (const line of detectionTable(collected)) io.out(line);
      for (const line of summaryLines(summary, label)) io.err(line);
      return nothingReadable(summary) ? 1 : 0;
  });
}

