import type { School } from '../../config/load.js';
import { ErrorCode, LanternError } from '../../errors.js';
import { addApprovedApp, addTrustedDomain, normaliseAppId, removeApprovedApp, removeTrustedDomain, type ChangeAuthor, type ChangeResult, type MonitoringSettings } from '../../monitoring/changes.js';
import { isSameOrSubdomain, normaliseDomain } from '../../monitoring/domains.js';
import { loadSettingsLog, recordChange } from '../../monitoring/settings-store.js';
import type { CommandRun } from '../command.js';
import { openCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { allowlistChangeOptions, allowlistListOptions } from './commands.js';
import { requireAuthor, table } from './settings-args.js';
import { accountableAuthor, assertTrustableDomain } from '../../monitoring/guardrails.js';

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** What an allowlist command acts on: a trusted partner domain or an approved OAuth app. */
type Target = { kind: 'domain'; domain: string } | { kind: 'app'; app: string };

function targetOf(positionals: readonly string[], app: string | undefined, usage: string): Target {
  if (app !== undefined) {
    if (positionals.length > 0) throw new LanternError(ErrorCode.UsageError, `Give a domain or --app, not both. Usage: ${usage}`);
    return { kind: 'app', app: normaliseAppId(app) };
  }
  if (positionals.length !== 1) throw new LanternError(ErrorCode.UsageError, `Name one domain (e.g. northshire-council.gov.uk) or an app with --app CLIENT_ID. Usage: ${usage}`);
  const domain = normaliseDomain(positionals[0] as string).replace(/^@/, '');
  if (!DOMAIN.test(domain)) throw new LanternError(ErrorCode.UsageError, `"${positionals[0]}" is not a domain name; give one such as northshire-council.gov.uk.`);
  return { kind: 'domain', domain };
}

function change(school: School, target: Target, add: boolean, current: MonitoringSettings, author: ChangeAuthor): ChangeResult {
  if (target.kind === 'app') {
    const listed = (current.approvedApps ?? []).includes(target.app);
    if (add && listed) throw new LanternError(ErrorCode.UsageError, `The app ${target.app} is already approved; nothing was recorded.`);
    if (!add && !listed) throw new LanternError(ErrorCode.UsageError, `The app ${target.app} is not on the approved list; see \`lantern monitor allowlist list\`.`);
    return add ? addApprovedApp(current, target.app, author) : removeApprovedApp(current, target.app, author);
  }
  const d = target.domain;
  const inConfig = school.trustedDomains.map(normaliseDomain).includes(d);
  const listed = current.trustedDomains.includes(d);
  if (add) {
    if (school.ownDomains.some((own) => isSameOrSubdomain(d, own))) throw new LanternError(ErrorCode.UsageError, `${d} is the school's own domain (or under it); it needs no allowlisting.`);
    if (inConfig || listed) throw new LanternError(ErrorCode.UsageError, `${d} is already trusted${inConfig ? ' in the config file' : ''}; nothing was recorded.`);
    return addTrustedDomain(current, d, author);
  }
  if (!listed) {
    throw new LanternError(
      ErrorCode.UsageError,
      inConfig ? `${d} is trusted in the config file (trustedDomains); remove it there.` : `${d} is not on the allowlist; see \`lantern monitor allowlist list\`.`,
    );
  }
  return removeTrustedDomain(current, d, author);
}

function changeRun(add: boolean): CommandRun<typeof allowlistChangeOptions> {
  return async ({ flags, positionals, usage }, io) => {
    const target = targetOf(positionals, flags.app, usage);
    const named = requireAuthor(flags, usage);
    if (add && target.kind === 'domain') assertTrustableDomain(target.domain);
    const ctx = await openCommandDatabase(io);
    try {
      const school = pickSchool(ctx.config, flags.school);
      const author = await accountableAuthor(ctx.models, school.id, named);
      const done = await recordChange(ctx.models, school.id, (current) => change(school, target, add, current, author));
      const name = target.kind === 'app' ? `the app ${target.app}` : target.domain;
      io.out(`Change ${done.seq} recorded for ${school.id}: ${name} ${add ? 'added to' : 'removed from'} the allowlist. It applies from the next poll.`);
      return 0;
    } finally {
      await ctx.close();
    }
  };
}

/** `lantern monitor allowlist add`. */
export const addToAllowlist = changeRun(true);
/** `lantern monitor allowlist remove`. */
export const removeFromAllowlist = changeRun(false);

/** `lantern monitor allowlist list`: trusted domains (config and added) and approved apps, with who added them. */
export const listAllowlist: CommandRun<typeof allowlistListOptions> = async ({ flags }, io) => {
    const ctx = await openCommandDatabase(io);
    try {
      const school = pickSchool(ctx.config, flags.school);
      const { settings } = await loadSettingsLog(ctx.models, school.id);
      // Who added each item: the latest add entry for it.
      const adds = await ctx.models.monitoringChanges.find({ schoolId: school.id, 'what.type': { $in: ['trusted_domain.add', 'approved_app.add'] } }).sort({ seq: 1 }).lean();
      const addedBy = new Map<string, string>();
      for (const e of adds) {
        const w = e.what as { domain?: string; app?: string };
        addedBy.set(w.domain ?? `app:${w.app ?? ''}`, `${e.who}, ${e.at.toISOString().slice(0, 10)}: ${e.why}`);
      }
      const rows = [
        ...school.trustedDomains.map((d) => ({ kind: 'domain', value: normaliseDomain(d), source: 'config file' })),
        ...settings.trustedDomains.map((d) => ({ kind: 'domain', value: d, source: addedBy.get(d) ?? 'change log' })),
        ...(settings.approvedApps ?? []).map((a) => ({ kind: 'app', value: a, source: addedBy.get(`app:${a}`) ?? 'change log' })),
      ];
      if (flags.json) {
        for (const r of rows) io.out(JSON.stringify(r));
        return 0;
      }
      if (rows.length === 0) {
        io.out(`${school.id} trusts no partner domains and has approved no apps.`);
        return 0;
      }
      for (const l of table([['KIND', 'DOMAIN / APP', 'ADDED'], ...rows.map((r) => [r.kind, r.value, r.source])])) io.out(l);
      return 0;
    } finally {
      await ctx.close();
    }
};
