import { loadRoutes } from '../../cases/routing.js';
import { ErrorCode, LanternError } from '../../errors.js';
import { changeRoute } from '../../monitoring/changes.js';
import { isRouteKey, QUEUES, routeKey, type Queue } from '../../monitoring/routes.js';
import { recordChange } from '../../monitoring/settings-store.js';
import { FAMILIES, SEVERITIES } from '../../monitoring/types.js';
import type { CommandRun } from '../command.js';
import { openCommandDatabase } from '../kit/db.js';
import { pickSchool } from '../kit/school.js';
import type { routeListOptions, routeSetOptions } from './commands.js';
import { requireAuthor, table } from './settings-args.js';
import { accountableAuthor } from '../../monitoring/guardrails.js';

/**
 * `lantern monitor route FAMILY SEVERITY dsl|it`: where detections of a family at a severity go when no child,
 * pupil data or safeguarding risk is involved (those always go to the DSL). Recorded with who and why.
 */
export const setRoute: CommandRun<typeof routeSetOptions> = async ({ flags, positionals, usage }, io) => {
  const [family = '', severity = '', queue = ''] = positionals;
  if (positionals.length !== 3) throw new LanternError(ErrorCode.UsageError, `Give a family, a severity and dsl or it, e.g. account.privilege_grant critical dsl. Usage: ${usage}`);
  if (!isRouteKey(family, severity)) throw new LanternError(ErrorCode.UsageError, `"${family} ${severity}" is not a route: families are ${FAMILIES.join(', ')}; severities ${SEVERITIES.join(', ')}.`);
  if (!(QUEUES as readonly string[]).includes(queue)) throw new LanternError(ErrorCode.UsageError, `Send it to dsl or it (got "${queue}"). Usage: ${usage}`);
  const named = requireAuthor(flags, usage);
  const ctx = await openCommandDatabase(io);
  try {
    const school = pickSchool(ctx.config, flags.school);
    const author = await accountableAuthor(ctx.models, school.id, named);
    const current = (await loadRoutes(ctx.models, school))[routeKey(family, severity)] ?? null;
    if (current === queue) throw new LanternError(ErrorCode.UsageError, `${family} (${severity}) already goes to ${queue === 'dsl' ? 'the DSL' : 'IT'}; nothing was recorded.`);
    const done = await recordChange(ctx.models, school.id, (settings) => changeRoute(settings, family, severity, queue as Queue, current, author));
    io.out(`Change ${done.seq} recorded for ${school.id}: ${family} (${severity}) now goes to ${queue === 'dsl' ? 'the DSL channel' : 'the IT queue'} when no child or pupil data is involved.`);
    return 0;
  } finally {
    await ctx.close();
  }
};

/** `lantern monitor routes`: the route table a school runs with. */
export const listRoutes: CommandRun<typeof routeListOptions> = async ({ flags }, io) => {
  const ctx = await openCommandDatabase(io);
  try {
    const school = pickSchool(ctx.config, flags.school);
    const routes = await loadRoutes(ctx.models, school);
    const rows = FAMILIES.map((f) => [f, ...SEVERITIES.map((s) => routes[routeKey(f, s)] ?? 'dsl')]);
    if (flags.json) for (const [family, ...queues] of rows) io.out(JSON.stringify({ family, ...Object.fromEntries(SEVERITIES.map((s, i) => [s, queues[i]])) }));
    else {
      io.out('Where detections go when no child, pupil data or safeguarding risk is involved (those always go to the DSL):');
      for (const line of table([['family', ...SEVERITIES], ...rows])) io.out(line);
    }
    return 0;
  } finally {
    await ctx.close();
  }
};
