import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describeAudience } from '../../agreements/audience.js';
import { parsePolicyTemplate } from '../../agreements/library.js';
import { publishPolicy } from '../../agreements/publish.js';
import { NOT_REACHABLE } from '../../teams/send/cards.js';
import { ErrorCode, LanternError } from '../../errors.js';
import type { CommandRun } from '../command.js';
import { withCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { publishOptions } from './commands.js';


function readTemplate(file: string, cwd: string) {
  const full = path.resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch (err) {
    throw new LanternError(ErrorCode.UsageError, `Cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}. Give the path of a policy file (Markdown with front matter), e.g. policies/staff-aua.md.`, { cause: err });
  }
  return parsePolicyTemplate(text, path.basename(full));
}

/**
 * `lantern agreements publish`: publishes a policy file as a new version. A material change asks everyone the
 * earlier version was issued to to sign again (a new campaign per earlier campaign, same audience and terms);
 * a minor change records its reason and asks nobody.
 */
export const publishAgreement: CommandRun<typeof publishOptions> = async ({ flags, positionals, usage }, io) => {
    const file = positionals[0];
    if (!file || positionals.length > 1) throw new LanternError(ErrorCode.UsageError, `Name one policy file.\nUsage: ${usage}`);
    if (flags.material && flags.minor) throw new LanternError(ErrorCode.UsageError, 'Choose one: --material (everyone signs again) or --minor (no re-signing).');
    const change = flags.material ? 'material' : flags.minor ? 'minor' : undefined;
    const reason = flags.reason;
    if (change && !reason?.trim()) throw new LanternError(ErrorCode.UsageError, `Say why the change is ${change}: --reason "…" is recorded on the version.`);
    const effectiveText = flags.effective;
    const effectiveDate = effectiveText ? new Date(`${effectiveText}T00:00:00Z`) : undefined;
    if (effectiveText && (!/^\d{4}-\d{2}-\d{2}$/.test(effectiveText) || Number.isNaN(effectiveDate?.getTime()))) {
      throw new LanternError(ErrorCode.UsageError, `--effective ${effectiveText} is not a date: use YYYY-MM-DD.`);
    }
    const template = readTemplate(file, io.cwd);
    return withCommandDatabase(io, { configFile: flags.config }, async (cli) => {
      const school = pickSchool(cli.config, flags.school);
      const dryRun = flags['dry-run'] === true;
      const by = flags.by ?? io.env.USER ?? 'cli';
      const outcome = await publishPolicy(cli.models, template, {
        schoolId: school.id,
        by,
        now: new Date(),
        dryRun,
        ...(change ? { change } : {}),
        ...(reason ? { reason } : {}),
        ...(effectiveDate ? { effectiveDate } : {}),
      });
      const v = outcome.version;
      if (dryRun) io.out('Dry run — nothing stored or sent.');
      if (!outcome.created) io.out(`"${v.title}" is unchanged: version ${v.number} stays current.`);
      else io.out(`${dryRun ? 'Would publish' : 'Published'} "${v.title}" version ${v.number} (${v.change}: ${v.reason}).`);
      if (outcome.created && v.change === 'minor') io.out('A minor change: signatures of the earlier version still count, and nobody is asked to sign again.');
      if (v.change === 'material' && outcome.reissued.length === 0 && outcome.created) io.out('A material change, but no open campaign was collecting an earlier version: issue it with "lantern agreements issue".');
      for (const r of outcome.reissued) {
        const cards = r.recipients.filter((x) => x.via === 'card');
        const unreachable = cards.filter((x) => !x.reachable).length;
        const teacher = r.recipients.filter((x) => x.via === 'teacher').length;
        io.out(
          `${dryRun ? 'Would ask' : 'Asked'} ${describeAudience(r.audience)} (${r.recipients.length} people) to sign version ${v.number}, due ${r.dueAt.toISOString().slice(0, 10)}: ` +
            `${cards.length} card(s)${dryRun ? '' : ` (${r.queued} queued)`}, ${unreachable} ${NOT_REACHABLE}${teacher ? `, ${teacher} pupil(s) signed for by their teacher` : ''}. Replaces ${r.from}.`,
        );
      }
      return 0;
    });
};
