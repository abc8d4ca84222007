import { policyReviews } from '../agreements/weekly.js';
import { casesWeek } from '../cases/weekly.js';
import type { School } from '../config/load.js';
import { monitoringWeek } from '../monitoring/weekly.js';
import { consentCounts } from '../parents/weekly.js';
import { recordsSettings } from '../records/settings.js';
import { fnmWeek, latestPolicyReviews, trainingWeek } from '../records/weekly.js';
import { renderChart } from './charts.js';
import { presentDigest } from './present.js';
import { renderHtml } from './render-html.js';
import { renderText } from './render-text.js';
import { readAgreements, readTraining } from './sources/agreements.js';
import { annualReviewSection, filterChecksSection } from './sources/annual-review.js';
import type { DigestSourceStores, SourceContext } from './sources/context.js';
import { incidentsSection, incidentWindow } from './sources/incidents.js';
import { readIntegrityHeads } from './sources/integrity.js';
import { monitoringSection } from './sources/monitoring.js';
import { policiesSection } from './sources/policies.js';
import { ruleChangesSection } from './sources/rule-changes.js';
import { trainingRecordsSection } from './sources/training-records.js';
import { noData, ok, type ConsentsData, type DigestData } from './types.js';
import type { DigestView } from './view.js';
import { addWeeks, formatLocalDate, localParts, weekRange, type IsoWeek } from './week.js';

const TREND_WEEKS = 12;

/**
 * Reads every section of one school's digest for one ISO week, through each capability's own weekly read
 * (the digest names no collection). Each section fails soft to "no data yet".
 */
export async function readDigestData(models: DigestSourceStores, school: School, week: IsoWeek, now: Date): Promise<DigestData> {
  const range = weekRange(week, school.timezone);
  const ctx: SourceContext = {
    models,
    school,
    week: range,
    trendWeeks: Array.from({ length: TREND_WEEKS }, (_, i) => weekRange(addWeeks(week, i - (TREND_WEEKS - 1)), school.timezone)),
    now,
  };
  const [cases, agreements, training, reviews, monitored, trained, fnm, recordedReviews, integrity, consents] = await Promise.all([
    casesWeek(models, school.id, incidentWindow(ctx)),
    readAgreements(ctx),
    readTraining(ctx),
    policyReviews(models, school.id),
    monitoringWeek(models, school.id, range),
    trainingWeek(models, school, now),
    fnmWeek(models, school.id, range, now),
    latestPolicyReviews(models, school.id),
    readIntegrityHeads(ctx),
    consentCounts(models, school).then(
      (tallies) => ok<ConsentsData>({ types: tallies.filter((t) => t.asked).map((t) => ({ label: t.label, given: t.given, notGiven: t.refused, withdrawn: t.withdrawn, notAnswered: t.noAnswer })) }),
      () => noData<ConsentsData>('parents\' consents could not be read this week'),
    ),
  ]);
  const incidents = incidentsSection(ctx, cases);
  const policies = policiesSection(now, reviews, recordedReviews);
  const monitoring = monitoringSection(school, now, monitored);
  const ruleChanges = ruleChangesSection(monitored);
  return {
    school: { id: school.id, name: school.name },
    week: { id: range.id, label: range.label, start: range.start.toISOString(), end: range.end.toISOString() },
    generatedAt: now.toISOString(),
    incidents,
    agreements,
    training,
    trainingRecords: trainingRecordsSection(trained),
    policies,
    monitoring,
    ruleChanges,
    annualReview: annualReviewSection(ctx, fnm),
    filterChecks: filterChecksSection(now, recordsSettings(school).filterCheckEveryDays, fnm),
    integrity,
    consents,
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
