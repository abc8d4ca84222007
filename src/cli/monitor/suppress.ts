import { randomBytes } from 'node:crypto';
import { ErrorCode, LanternError } from '../../errors.js';
import { addSuppression, removeSuppression } from '../../monitoring/changes.js';
import { normaliseDomain } from '../../monitoring/domains.js';
import { loadActiveSuppressions } from '../../monitoring/store.js';
import { loadSettingsLog, recordChange } from '../../monitoring/settings-store.js';
import { isActive, SuppressionSchema, type Suppression } from '../../monitoring/suppressions.js';
import { FAMILIES } from '../../monitoring/types.js';
import type { CommandRun } from '../command.js';
import { openCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { suppressAddOptions, suppressListOptions, suppressRemoveOptions } from './commands.js';
import { findRule, onePositional, parseSpanMinutes, requireAuthor, table } from './settings-args.js';
import { accountableAuthor, dslCoApproval, isSafeguardingRule } from '../../monitoring/guardrails.js';
import { ALL_RULES } from '../../monitoring/rules/index.js';

/** Suppressions are reviewed, not forgotten: none may run for longer than this. */
export const MAX_SUPPRESSION_DAYS = 366;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** "--expires 30d" / "12h" or an ISO date (a bare date means the start of that day, UTC) → the expiry. */
export function parseExpiry(value: string, now: Date): Date {
  const v = value.trim();
  const at = /^\d+(?:\.\d+)?\s*[mhd]$/i.test(v) ? new Date(now.getTime() + parseSpanMinutes(v, '--expires') * 60_000) : new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
  if (Number.isNaN(at.getTime())) throw new LanternError(ErrorCode.UsageError, `--expires must be a span such as 30d or 12h, or a date such as 2026-07-31; got "${value}".`);
  if (at.getTime() <= now.getTime()) throw new LanternError(ErrorCode.UsageError, `--expires must be in the future; got ${at.toISOString()}.`);
  if (at.getTime() > now.getTime() + MAX_SUPPRESSION_DAYS * 86_400_000) {
    throw new LanternError(ErrorCode.UsageError, `A suppression may last at most ${MAX_SUPPRESSION_DAYS} days; choose an earlier --expires and review it then.`);
  }
  return at;
}

function describeMatch(s: Suppression): string {
  return [s.ruleId ?? s.family, s.actor && `actor ${s.actor}`, s.objectId && `object ${s.objectId}`, s.domain && `domain ${s.domain}`].filter(Boolean).join(', ');
}

/** `lantern monitor suppress add`: silences matching detections until an expiry, recording who and why. */
export const suppressDetections: CommandRun<typeof suppressAddOptions> = async ({ flags, usage }, io) => {
    const named = requireAuthor(flags, usage);
    const ruleId = flags.rule?.trim();
    const family = flags.family?.trim();
    if (!ruleId === !family) throw new LanternError(ErrorCode.UsageError, `Give exactly one of --rule RULE_ID or --family FAMILY, so a suppression never silences every rule. Usage: ${usage}`);
    if (ruleId) findRule(ruleId);
    if (family && !(FAMILIES as readonly string[]).includes(family)) throw new LanternError(ErrorCode.UsageError, `--family must be one of ${FAMILIES.join(', ')}; got "${family}".`);
    const domain = flags.domain?.trim() === undefined ? undefined : normaliseDomain(flags.domain?.trim() as string);
    if (domain !== undefined && !DOMAIN.test(domain)) throw new LanternError(ErrorCode.UsageError, `--domain must be a domain name such as learnfast.example.com; got "${flags.domain?.trim()}".`);
    const expires = flags.expires?.trim();
    if (!expires) throw new LanternError(ErrorCode.UsageError, `Every suppression needs an expiry: add --expires 30d (or a date). Usage: ${usage}`);
    const parsed = SuppressionSchema.safeParse({
      ...(ruleId ? { ruleId } : {}),
      ...(family ? { family } : {}),
      ...(flags.actor?.trim() ? { actor: flags.actor?.trim() } : {}),
      ...(flags.object?.trim() ? { objectId: flags.object?.trim() } : {}),
      ...(domain ? { domain } : {}),
      reason: named.why,
      createdBy: named.who,
      expiresAt: parseExpiry(expires, new Date()).toISOString(),
    });
    if (!parsed.success) throw new LanternError(ErrorCode.UsageError, `Nothing was stored: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'suppression'} ${i.message}`).join('; ')}.`);
    const suppression: Suppression = { ...parsed.data, id: `sup-${randomBytes(4).toString('hex')}` };
    const ctx = await openCommandDatabase(io);
    try {
      const school = pickSchool(ctx.config, flags.school);
      let author = await accountableAuthor(ctx.models, school.id, named);
      // Silencing a rule that protects children is weakening it: the DSL team must agree.
      const guarded = ALL_RULES.filter((r) => (ruleId ? r.id === ruleId : r.family === family)).find(isSafeguardingRule);
      if (guarded) author = { ...author, why: `${author.why} (agreed by the DSL team: ${dslCoApproval(school, guarded, flags['dsl-approval'], author)})` };
      suppression.createdBy = author.who;
      const done = await recordChange(ctx.models, school.id, (current) => addSuppression(current, suppression, author));
      io.out(`Change ${done.seq} recorded for ${school.id}: suppression ${suppression.id} (${describeMatch(suppression)}) until ${suppression.expiresAt}. It applies from the next poll.`);
      return 0;
    } finally {
      await ctx.close();
    }
};

/** `lantern monitor suppress list`: the school's suppressions in force (with --all, expired ones too). */
export const listSuppressions: CommandRun<typeof suppressListOptions> = async ({ flags }, io) => {
    const ctx = await openCommandDatabase(io);
    try {
      const school = pickSchool(ctx.config, flags.school);
      const now = new Date();
      const folded = await loadSettingsLog(ctx.models, school.id);
      const extra = (await loadActiveSuppressions(ctx.models.suppressions, school.id, now)).filter((s) => !folded.loggedSuppressionIds.has(s.id));
      const all = [...folded.settings.suppressions, ...extra].filter((s) => flags.all || isActive(s, now.getTime()));
      if (flags.json) {
        for (const s of all) io.out(JSON.stringify({ ...s, active: isActive(s, now.getTime()) }));
        return 0;
      }
      if (all.length === 0) {
        io.out(`${school.id} has no suppressions${flags.all ? '' : ' in force'}.`);
        return 0;
      }
      const rows = all.map((s) => [s.id, describeMatch(s), `${s.expiresAt.slice(0, 16).replace('T', ' ')}${isActive(s, now.getTime()) ? '' : ' (expired)'}`, s.createdBy, s.reason]);
      for (const l of table([['ID', 'MATCHES', 'EXPIRES (UTC)', 'BY', 'REASON'], ...rows])) io.out(l);
      return 0;
    } finally {
      await ctx.close();
    }
};

/** `lantern monitor suppress remove`: ends a suppression early, recording who and why. */
export const endSuppression: CommandRun<typeof suppressRemoveOptions> = async (parsed, io) => {
    const id = onePositional(parsed.positionals, 'suppression id (see `lantern monitor suppress list`)', parsed.usage);
    const named = requireAuthor(parsed.flags, parsed.usage);
    const ctx = await openCommandDatabase(io);
    try {
      const school = pickSchool(ctx.config, parsed.flags.school);
      const author = await accountableAuthor(ctx.models, school.id, named);
      // A suppression stored without the log (older code) can be removed too: the removal is logged.
      const extra = await loadActiveSuppressions(ctx.models.suppressions, school.id, new Date());
      const done = await recordChange(ctx.models, school.id, (current) => {
        const known = new Set(current.suppressions.map((s) => s.id));
        return removeSuppression({ ...current, suppressions: [...current.suppressions, ...extra.filter((s) => !known.has(s.id))] }, id, author);
      });
      io.out(`Change ${done.seq} recorded for ${school.id}: suppression ${id} removed. Matching detections are reported again from the next poll.`);
      return 0;
    } finally {
      await ctx.close();
    }
};
