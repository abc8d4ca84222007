import type { LanternConfig } from '../config/load.js';
import { ErrorCode, LanternError } from '../errors.js';
import { createMailTransport } from '../mail/index.js';
import { readDigestData, type RenderedDigest } from './assemble.js';
import { renderChart } from './charts.js';
import { composeDigestMime, digestMessageId } from './compose.js';
import { renderHtml } from './render-html.js';
import { renderText } from './render-text.js';
import type { DigestDeps } from './run.js';
import { sendOnce, type SendOutcome } from './send.js';
import { cell } from './suppress.js';
import type { DigestData } from './types.js';
import type { DigestView, Tone, ViewRow } from './view.js';
import { formatIsoWeek, type IsoWeek } from './week.js';

function schoolRow(d: DigestData): ViewRow {
  const inc = d.incidents.state === 'ok' ? d.incidents.data : undefined;
  const agr = d.agreements.state === 'ok' ? d.agreements.data.rows : undefined;
  const required = agr?.reduce((n, r) => n + r.required, 0) ?? 0;
  const done = agr?.reduce((n, r) => n + r.done, 0) ?? 0;
  const mon = d.monitoring.state === 'ok' ? d.monitoring.data.connectors.filter((c) => c.state !== 'ok').length : undefined;
  const review = d.annualReview.state === 'ok' ? (d.annualReview.data.overdue ? 'Overdue' : 'In date') : 'Not recorded';
  const red = (mon ?? 0) > 0 || review !== 'In date';
  return {
    cells: [
      d.school.name,
      inc ? cell(inc.total) : 'no data yet',
      inc ? cell(inc.openHighCritical.length) : '—',
      agr && required ? `${Math.round((100 * done) / required)}%` : 'no data yet',
      mon === undefined ? 'not connected' : mon === 0 ? 'OK' : `${mon} not scanning`,
      review,
    ],
    tone: (red ? 'red' : 'ok') as Tone,
  };
}

/** The trust's roll-up view: one row per school (small counts suppressed) and exact trust totals, with a trend chart. */
export function presentRollup(trustName: string, schools: readonly DigestData[]): DigestView {
  const first = schools[0];
  const weekLabel = first?.week.label ?? '';
  const totals = schools.map((d) => (d.incidents.state === 'ok' ? d.incidents.data : undefined));
  const weekTotal = totals.reduce((n, t) => n + (t?.total ?? 0), 0);
  const openTotal = totals.reduce((n, t) => n + (t?.openHighCritical.length ?? 0), 0);
  const trendLabels = totals.find((t) => t)?.trend.map((p) => p.label) ?? [];
  const series = trendLabels.map((label, i) => {
    const value = totals.reduce((n, t) => n + (t?.trend[i]?.total ?? 0), 0);
    const second = totals.reduce((n, t) => n + (t?.trend[i]?.highOrCritical ?? 0), 0);
    return { label, value, second, small: value === 1 || value === 2 };
  });
  const rows = schools.map(schoolRow);
  const red = rows.filter((r) => r.tone === 'red').length;
  return {
    subject: `${trustName} — online safety across ${schools.length} schools, week of ${weekLabel}`,
    title: `Trust roll-up, week of ${weekLabel}`,
    schoolName: trustName,
    weekLabel,
    weekId: first?.week.id ?? '',
    headlines: [{ text: red ? `${red} of ${schools.length} schools have monitoring gaps or an overdue annual review.` : `All ${schools.length} schools are monitored and in date.`, tone: red ? 'red' : 'ok' }],
    sections: [
      {
        id: 'schools',
        heading: 'Schools at a glance',
        summary: `${weekTotal} incidents this week across the trust; ${openTotal} high or critical cases open.`,
        ...(series.length ? { chart: { cid: 'trust-trend@lantern', file: 'trust-trend.png', alt: `Bar chart of incidents per week across the trust over 12 weeks.`, kind: 'trend' as const, series } } : {}),
        tables: [
          {
            columns: ['School', 'Incidents', 'Open high/critical', 'Agreements', 'Monitoring', 'Annual review'],
            rows,
            total: ['Trust', String(weekTotal), String(openTotal), '', '', ''],
          },
        ],
        notes: ['Counts of 1 or 2 are shown as "fewer than 3" so that no child can be identified; totals are exact. Each school’s own digest has the detail.'],
      },
    ],
    footer: `Sent by Lantern for ${trustName}. It holds no pupil names, email addresses or file titles.`,
  };
}

/** Reads every school's data for the week and renders the trust roll-up. */
export async function buildTrustRollup(deps: Pick<DigestDeps, 'config' | 'models' | 'clock'>, week: IsoWeek): Promise<RenderedDigest> {
  const trust = deps.config.trust;
  if (!trust) throw new LanternError(ErrorCode.DigestNotConfigured, 'There is no trust in the configuration: add trust: {id, name, digest} to send a roll-up.');
  const data: DigestData[] = [];
  for (const school of deps.config.schools) data.push(await readDigestData(deps.models, school, week, deps.clock()));
  const view = presentRollup(trust.name, data);
  const images = view.sections.flatMap((s) => (s.chart ? [{ cid: s.chart.cid, file: s.chart.file, alt: s.chart.alt, png: renderChart(s.chart) }] : []));
  return { view, subject: view.subject, html: renderHtml(view), text: renderText(view), images };
}

/** Sends the trust's roll-up for a week once (scope `trust:<id>`). */
export async function sendTrustDigest(deps: DigestDeps, week: IsoWeek, config: LanternConfig = deps.config): Promise<SendOutcome> {
  const d = config.trust?.digest;
  if (!config.trust || !d?.enabled || !d.sender || d.recipients.length === 0) {
    throw new LanternError(ErrorCode.DigestNotConfigured, 'The trust roll-up needs trust.digest with enabled: true, a sender and recipients.');
  }
  const weekId = formatIsoWeek(week);
  const scope = `trust:${config.trust.id}`;
  const messageId = digestMessageId(`trust-${config.trust.id}`, weekId, d.sender);
  const transport = deps.transportFor ? deps.transportFor(d.transport) : createMailTransport(d.transport, config.mail);
  const sender = d.sender;
  return sendOnce(deps.models, {
    scope, weekId, sender, recipients: d.recipients, messageId, transport, instanceId: deps.instanceId, clock: deps.clock, logger: deps.logger.child({ trustId: config.trust.id, weekId }),
    ...(deps.hooks ? { hooks: deps.hooks } : {}),
    build: async (id) => composeDigestMime(await buildTrustRollup(deps, week), { from: `${config.trust?.name} (Lantern) <${sender}>`, to: d.recipients, messageId: id, date: deps.clock() }),
  });
}
