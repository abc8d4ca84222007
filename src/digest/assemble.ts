import type { Connection } from 'mongoose';
import type { School } from '../config/load.js';
import { renderChart } from './charts.js';
import { presentDigest } from './present.js';
import { renderHtml } from './render-html.js';
import { renderText } from './render-text.js';
import { readAgreements, readTraining } from './sources/agreements.js';
import { readAnnualReview } from './sources/annual-review.js';
import type { SourceContext } from './sources/context.js';
import { readIncidents } from './sources/incidents.js';
import { readMonitoring } from './sources/monitoring.js';
import { readPolicies } from './sources/policies.js';
import { readRuleChanges } from './sources/rule-changes.js';
import type { DigestData } from './types.js';
import type { DigestView } from './view.js';
import { addWeeks, formatLocalDate, localParts, weekRange, type IsoWeek } from './week.js';

const TREND_WEEKS = 12;

/** Reads every section of one school's digest for one ISO week. Each reader fails soft to "no data yet". */
export async function readDigestData(connection: Connection, school: School, week: IsoWeek, now: Date): Promise<DigestData> {
  const range = weekRange(week, school.timezone);
  const ctx: SourceContext = {
    connection,
    school,
    week: range,
    trendWeeks: Array.from({ length: TREND_WEEKS }, (_, i) => weekRange(addWeeks(week, i - (TREND_WEEKS - 1)), school.timezone)),
    now,
  };
  const [incidents, agreements, training, policies, monitoring, ruleChanges, annualReview] = await Promise.all([
    readIncidents(ctx),
    readAgreements(ctx),
    readTraining(ctx),
    readPolicies(ctx),
    readMonitoring(ctx),
    readRuleChanges(ctx),
    readAnnualReview(ctx),
  ]);
  return {
    school: { id: school.id, name: school.name },
    week: { id: range.id, label: range.label, start: range.start.toISOString(), end: range.end.toISOString() },
    generatedAt: now.toISOString(),
    incidents,
    agreements,
    training,
    policies,
    monitoring,
    ruleChanges,
    annualReview,
  };
}

/** An inline image of the digest. */
export interface DigestImage {
  cid: string;
  file: string;
  alt: string;
  png: Buffer;
}

/** A rendered digest: subject, both bodies and the chart images. */
export interface RenderedDigest {
  view: DigestView;
  subject: string;
  html: string;
  text: string;
  images: DigestImage[];
}

/** "16 Nov 2026, 07:05" in the school's zone. */
function instantLabel(timezone: string): (iso: string) => string {
  return (iso) => {
    const at = new Date(iso);
    const p = localParts(at, timezone);
    return `${formatLocalDate(at, timezone)}, ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
  };
}

/** Renders digest data to HTML (charts by cid, or by `imageSrc`), text and PNG charts. */
export function renderDigest(data: DigestData, timezone: string, imageSrc?: (cid: string, file: string) => string): RenderedDigest {
  const view = presentDigest(data, instantLabel(timezone));
  const images = view.sections.flatMap((s) => (s.chart ? [{ cid: s.chart.cid, file: s.chart.file, alt: s.chart.alt, png: renderChart(s.chart) }] : []));
  const html = renderHtml(view, imageSrc ? (c) => imageSrc(c.cid, c.file) : undefined);
  return { view, subject: view.subject, html, text: renderText(view), images };
}
