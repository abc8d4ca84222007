import { applyCommand } from '../../cases/act.js';
import { breachRegister, breachRegisterCsv, breachRegisterText } from '../../cases/breach-register.js';
import type { BreachDecisionInput } from '../../cases/breach.js';
import type { CommandRun } from '../command.js';
import { usageError } from '../kit/args.js';
import { readDay, schoolDayRange } from '../kit/days.js';
import { withCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { breachDecisionOptions, breachesOptions } from './commands.js';
import { resolveDslCaller } from './dsl-caller.js';
import { write } from './export.js';

/** `lantern cases breach-decision`: the DPO (or the DSL team) records whether a possible breach was reported to the ICO. */
export const recordBreachDecision: CommandRun<typeof breachDecisionOptions> = async ({ flags, positionals, usage }, io) => {
  const number = positionals[0];
  const reported = Boolean(flags.reported);
  if (!number || positionals.length > 1 || reported === Boolean(flags['not-reported'])) throw usageError('Give the case number and one of --reported or --not-reported', usage);
  if (reported && (!flags['ico-ref'] || !flags.date)) throw usageError('--reported needs --ico-ref and --date', usage);
  if (!reported && !flags.reason) throw usageError('--not-reported needs --reason', usage);
  const decision: BreachDecisionInput = reported ? { reported: true, icoReference: String(flags['ico-ref']), reportedOn: String(flags.date) } : { reported: false, reason: String(flags.reason) };
  return withCommandDatabase(io, {}, async (ctx) => {
    const school = pickSchool(ctx.config, flags.school);
    const by = flags.by?.trim().toLowerCase() ?? '';
    // The school's DPO decides; the DSL team may record the decision for them.
    const dpo = school.dpo?.email === by ? { email: by, name: school.dpo.name } : undefined;
    if (!dpo && !school.dsl.members.some((m) => m.email === by)) {
      io.err(by ? `${by} is neither ${school.name}'s DPO (schools[].dpo) nor on its DSL team: only they may record the decision.` : '--by is required: the email of the DPO or DSL team member recording the decision.');
      return 2;
    }
    const person = dpo ? null : await ctx.models.people.findOne({ schoolId: school.id, email: by }).lean();
    const actor = dpo ?? { email: by, name: person?.displayName ?? by };
    const found = await ctx.models.cases.findOne({ schoolId: school.id, number: number.toUpperCase() }).lean();
    if (!found) {
      io.err(`No case ${number} at ${school.name}.`);
      return 2;
    }
    const result = await applyCommand(ctx.models, school.id, found.caseId, actor, { kind: 'breach-decision', decision }, () => new Date());
    if (!result.ok) {
      io.err(result.reason);
      return 1;
    }
    io.out(`${found.number}: ${result.entry.note ?? 'decision recorded'}`);
    return 0;
  });
};

/** `lantern cases breaches`: the breach register, as lines or CSV; DSL only, and logged. `--to` is inclusive. */
export const listBreaches: CommandRun<typeof breachesOptions> = async ({ flags, usage }, io) => {
  const days = { from: readDay(flags.from, '--from', usage), to: readDay(flags.to, '--to', usage) };
  return withCommandDatabase(io, {}, async (ctx) => {
    const caller = await resolveDslCaller(ctx.config, ctx.models, flags);
    if (typeof caller === 'string') {
      io.err(caller);
      return 2;
    }
    const rows = await breachRegister(ctx.models, caller.school, caller.actor, schoolDayRange(days, caller.school.timezone), new Date());
    if (flags.csv || flags.out) {
      const where = write(io, flags.out, breachRegisterCsv(rows));
      io.err(`Breach register: ${rows.length} case(s) written to ${where}. This export is recorded in the access log.`);
    } else {
      for (const line of breachRegisterText(rows)) io.out(line);
    }
    return 0;
  });
};
