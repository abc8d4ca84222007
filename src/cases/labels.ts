import type { Agency, Category, CaseSource, CaseStatus, Severity } from './case-model.js';
import type { TimelineAction } from './timeline-model.js';

/** Plain-English words for the case fields shown on cards and in exports. */
export const STATUS_LABEL: Record<CaseStatus, string> = {
  new: 'New — not yet acknowledged',
  acknowledged: 'Acknowledged',
  investigating: 'Being looked into',
  escalated: 'Referred to another agency',
  closed: 'Closed',
};

export const SEVERITY_LABEL: Record<Severity, string> = { low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' };

export const CATEGORY_LABEL: Record<Category, string> = {
  content: 'Content — harmful or illegal material',
  contact: 'Contact — harmful contact with others',
  conduct: 'Conduct — behaviour online',
  commerce: 'Commerce — scams, gambling, financial risk',
  security: 'Security — accounts, data and devices',
};

export const SOURCE_LABEL: Record<CaseSource, string> = {
  concern: 'Reported by a member of staff',
  detection: 'Spotted by Lantern monitoring',
  manual: 'Entered by the DSL team',
};

export const AGENCY_LABEL: Record<Agency, string> = {
  'social-care': "Children's social care",
  police: 'Police',
  lado: 'LADO',
  'early-help': 'Early help',
  camhs: 'CAMHS',
  ceop: 'CEOP',
  other: 'Other agency',
};

/** A date and time in the school's time zone, e.g. "Tue 10 Mar 2026, 09:00". */
export function formatWhen(at: Date | string | null | undefined, timeZone: string): string {
  if (!at) return 'Not known';
  const d = typeof at === 'string' ? new Date(at) : at;
  return new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(d);
}

/** What each timeline entry says someone did, after their name (the channel card and the dashboard). */
export const ACTION_WORDS: Record<TimelineAction, string> = {
  opened: 'opened the case',
  acknowledged: 'acknowledged the case',
  assigned: 'assigned the case',
  note: 'added a note',
  escalated: 'recorded a referral',
  'remediation-requested': 'asked for a fix',
  'remediation-approved': 'approved a fix',
  'false-positive': 'marked it a false positive',
  linked: 'linked another case',
  closed: 'closed the case',
  reopened: 'reopened the case',
  'detection-joined': 'added another detection',
  'escalated-to-deputy': 'escalated it to the deputy DSL (not acknowledged in time)',
  'escalation-told': 'told someone on the escalation ladder (not acknowledged in time)',
  'escalation-failed': 'could not reach someone on the escalation ladder',
  'escalation-seen': 'saw the escalation (the escalation stops; the case stays with the DSL team)',
  'legal-hold': 'changed the legal hold',
  anonymised: 'anonymised the case at the end of its retention',
  'channel-posted': 'posted the card to the DSL channel',
  suppressed: 'suppressed similar alerts',
  redacted: 'removed links, file names and item ids from the record (do not view)',
  reclassified: 'changed the severity or category',
  'people-changed': 'changed who is involved',
  'breach-flagged': 'marked it a possible personal-data breach (the 72-hour clock started)',
  'breach-decided': "recorded the data protection officer's decision on reporting to the ICO",
  'dpo-told': 'emailed the data protection officer',
  action: 'recorded an action taken',
};
