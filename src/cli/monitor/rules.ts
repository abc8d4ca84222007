import type { School } from '../../config/load.js';
import type { ChangeAuthor } from '../../monitoring/changes.js';
import { ErrorCode, LanternError } from '../../errors.js';
import { changeRuleSetting } from '../../monitoring/changes.js';
import type { Rule } from '../../monitoring/rule.js';
import { ALL_RULES } from '../../monitoring/rules/index.js';
import { effectiveRule, RuleSettingSchema, type RuleSetting } from '../../monitoring/settings.js';
import { loadSettingsLog, recordChange } from '../../monitoring/settings-store.js';
import type { CommandRun } from '../command.js';
import type { Flags } from '../kit/args.js';
import { openCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { ruleResetOptions, ruleSetOptions, rulesOptions } from './commands.js';
import { findRule, formatMinutes, onePositional, parseSpanMinutes, requireAuthor, table } from './settings-args.js';
import { accountableAuthor, dslCoApproval, isSafeguardingRule, weakens } from '../../monitoring/guardrails.js';

// Which CLI option sets which field, for error messages.
const FLAG_OF: Record<keyof RuleSetting, string> = { enabled: '--enabled', severity: '--severity', threshold: '--threshold', windowMinutes: '--window', foldWindowMinutes: '--fold' };

/** Reads the options of `rule set` into a partial setting, refusing anything that does not fit the rule. */
function patchFrom(flags: Flags<typeof ruleSetOptions>, rule: Rule, usage: string): RuleSetting {
  const patch: Record<string, unknown> = {};
  const threshold = flags.threshold?.trim();
  const window = flags.window?.trim();
  if ((threshold !== undefined || window !== undefined) && !rule.threshold) {
    const withThresholds = ALL_RULES.filter((r) => r.threshold).map((r) => r.id);
    throw new LanternError(ErrorCode.UsageError, `${rule.id} reports every matching event and has no threshold or window; only ${withThresholds.join(', ')} do. Use --severity, --enabled or --fold instead.`);
  }
  if (threshold !== undefined) {
    if (!/^\d+$/.test(threshold)) throw new LanternError(ErrorCode.UsageError, `--threshold must be a whole number of events, e.g. 80; got "${threshold}".`);
    patch.threshold = Number(threshold);
  }
  if (window !== undefined) patch.windowMinutes = parseSpanMinutes(window, '--window');
  const fold = flags.fold?.trim();
  if (fold !== undefined) patch.foldWindowMinutes = parseSpanMinutes(fold, '--fold');
  const severity = flags.severity?.trim();
  if (severity !== undefined) patch.severity = severity.toLowerCase();
  const enabled = flags.enabled?.trim();
  if (enabled !== undefined) {
    if (enabled !== 'true' && enabled !== 'false') throw new LanternError(ErrorCode.UsageError, `--enabled must be true or false; got "${enabled}".`);
    patch.enabled = enabled === 'true';
  }
  if (Object.keys(patch).length === 0) throw new LanternError(ErrorCode.UsageError, `Say what to change: --threshold, --window, --fold, --severity or --enabled. Usage: ${usage}`);
  const parsed = RuleSettingSchema.safeParse(patch);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${FLAG_OF[i.path[0] as keyof RuleSetting] ?? String(i.path[0])} ${i.message}`);
    throw new LanternError(ErrorCode.UsageError, `Nothing was changed: ${problems.join('; ')}.`);
  }
  return parsed.data;
}

function describeSetting(s: RuleSetting | undefined): string {
  if (!s || Object.keys(s).length === 0) return '—';
  return Object.keys(s)
    .map((k) => FLAG_OF[k as keyof RuleSetting]?.slice(2) ?? k)
    .join(', ');
}

/** `lantern monitor rules`: every rule with the settings in force for the school. */
export const listRules: CommandRun<typeof rulesOptions> = async ({ flags }, io) => {
    const ctx = await openCommandDatabase(io);
    try {
      const school = pickSchool(ctx.config, flags.school);
      const { settings } = await loadSettingsLog(ctx.models, school.id);
      const rows = ALL_RULES.map((rule) => {
        const e = effectiveRule(rule, settings.rules);
        return {
          ruleId: rule.id,
          family: rule.family,
          enabled: e.enabled,
          severity: e.severity,
          threshold: e.threshold ? { count: e.threshold.count, windowMinutes: e.threshold.windowMs / 60_000 } : null,
          foldWindowMinutes: e.foldWindowMs / 60_000,
          overridden: settings.rules[rule.id] ?? null,
        };
      });
      if (flags.json) {
        for (const r of rows) io.out(JSON.stringify(r));
        return 0;
      }
      io.out(`Detection rules for ${school.name} (${school.id}); severities are raised for pupils. Change with \`lantern monitor rule set\`.`);
      const lines = table([
        ['RULE', 'FAMILY', 'ENABLED', 'SEVERITY', 'THRESHOLD/WINDOW', 'FOLD', 'OVERRIDDEN'],
        ...rows.map((r) => [
          r.ruleId,
          r.family,
          r.enabled ? 'yes' : 'no',
          r.severity,
          r.threshold ? `${r.threshold.count} in ${formatMinutes(r.threshold.windowMinutes)}` : '—',
          formatMinutes(r.foldWindowMinutes),
          describeSetting(r.overridden ?? undefined),
        ]),
      ]);
      for (const l of lines) io.out(l);
      return 0;
    } finally {
      await ctx.close();
    }
};

/** The author as recorded, with the DSL's agreement when the change weakens a rule that protects children. */
function withDslApproval(school: School, rule: Rule, before: RuleSetting | undefined, after: RuleSetting | null, approval: string | undefined, author: ChangeAuthor): ChangeAuthor {
  if (!isSafeguardingRule(rule) || !weakens(before, after, rule)) return author;
  const email = dslCoApproval(school, rule, approval, author);
  return { ...author, why: `${author.why} (agreed by the DSL team: ${email})` };
}

/** `lantern monitor rule set`: overrides a rule's threshold, window, fold window, severity or enabled state. */
export const setRule: CommandRun<typeof ruleSetOptions> = async (parsed, io) => {
    const rule = findRule(onePositional(parsed.positionals, 'rule id', parsed.usage));
    const named = requireAuthor(parsed.flags, parsed.usage);
    const patch = patchFrom(parsed.flags, rule, parsed.usage);
    const ctx = await openCommandDatabase(io);
    try {
      const school = pickSchool(ctx.config, parsed.flags.school);
      const author = await accountableAuthor(ctx.models, school.id, named);
      const done = await recordChange(ctx.models, school.id, (current) => {
        const before = current.rules[rule.id] ?? {};
        const after = RuleSettingSchema.parse({ ...before, ...patch });
        if (JSON.stringify(after) === JSON.stringify(current.rules[rule.id] ?? null)) {
          throw new LanternError(ErrorCode.UsageError, `${rule.id} already has ${JSON.stringify(patch)}; nothing was recorded.`);
        }
        return changeRuleSetting(current, rule.id, after, withDslApproval(school, rule, current.rules[rule.id], after, parsed.flags['dsl-approval'], author));
      });
      const e = effectiveRule(rule, done.settings.rules);
      const threshold = e.threshold ? `, threshold ${e.threshold.count} in ${formatMinutes(e.threshold.windowMs / 60_000)}` : '';
      io.out(`Change ${done.seq} recorded for ${school.id}: ${rule.id} is now ${e.enabled ? 'enabled' : 'disabled'}, severity ${e.severity}${threshold}, fold ${formatMinutes(e.foldWindowMs / 60_000)}. It applies from the next poll.`);
      return 0;
    } finally {
      await ctx.close();
    }
};

/** `lantern monitor rule reset`: removes a school's overrides of one rule, back to its defaults. */
export const resetRule: CommandRun<typeof ruleResetOptions> = async (parsed, io) => {
    const rule = findRule(onePositional(parsed.positionals, 'rule id', parsed.usage));
    const named = requireAuthor(parsed.flags, parsed.usage);
    const ctx = await openCommandDatabase(io);
    try {
      const school = pickSchool(ctx.config, parsed.flags.school);
      const author = await accountableAuthor(ctx.models, school.id, named);
      const done = await recordChange(ctx.models, school.id, (current) => {
        if (!current.rules[rule.id]) throw new LanternError(ErrorCode.UsageError, `${rule.id} already runs with its default settings; nothing was recorded.`);
        return changeRuleSetting(current, rule.id, null, withDslApproval(school, rule, current.rules[rule.id], null, parsed.flags['dsl-approval'], author));
      });
      io.out(`Change ${done.seq} recorded for ${school.id}: ${rule.id} is back to its defaults. It applies from the next poll.`);
      return 0;
    } finally {
      await ctx.close();
    }
};
