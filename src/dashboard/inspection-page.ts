import { html } from '../web/shared/html.js';
import { dashboardLayout, type SignedInBar } from './layout.js';

/** What the inspection pack page shows: the period to fill in, and a problem with the last one asked for. */
export interface InspectionPageView {
  schoolId: string;
  schoolName: string;
  from: string;
  to: string;
  error?: string | undefined;
  signedIn: SignedInBar;
}

/** The DSL's "Inspection pack" page: two dates and a download button for the same pack as `lantern inspection pack`. */
export function inspectionPage(view: InspectionPageView): string {
  const base = `/dashboard/${view.schoolId}`;
  const body = html`<nav class="views" aria-label="Dashboard"><a href="${base}">Open cases</a> · <a href="${base}/inspection" aria-current="page">Inspection pack</a></nav>
<h1>Inspection pack</h1>
${view.error ? html`<div class="error" role="alert"><p>${view.error}</p></div>` : html``}
<p>One download with the records an inspector or governor asks for, for the period you choose: agreement registers (staff, governors and visitors by name; pupils as counts per class), training, parent consent, filtering and monitoring reviews and checks, changes to the monitoring rules, incidents as counts, and the integrity fingerprints.</p>
<p class="muted">It is a zip file: open <strong>index.html</strong> in it to read or print, and the CSV files in a spreadsheet. Every download is recorded in the access log.</p>
<form class="filters" method="get" action="${base}/inspection/pack">
<div><label for="pack-from">First day</label><input type="date" id="pack-from" name="from" value="${view.from}" required></div>
<div><label for="pack-to">Last day</label><input type="date" id="pack-to" name="to" value="${view.to}" required></div>
<div><button type="submit" class="button">Download the inspection pack</button></div>
</form>`;
  return dashboardLayout({ title: 'Inspection pack', body, schoolName: view.schoolName, signedIn: view.signedIn });
}
