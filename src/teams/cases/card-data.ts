import type { School } from '../../config/load.js';
import type { Person } from '../../directory/person.js';
import { AGENCIES, CATEGORIES, SEVERITIES, type CaseStatus } from '../../cases/case-model.js';
import { NUDE_IMAGES, NUDE_IMAGES_LABEL, withoutLinks } from '../../cases/do-not-view.js';
import { pupilNamesText } from '../../cases/pupil-names.js';
import { AGENCY_LABEL, CATEGORY_LABEL, formatWhen, SEVERITY_LABEL, SOURCE_LABEL, STATUS_LABEL } from '../../cases/labels.js';
import { caseView } from '../../cases/case-view.js';
import { OUTCOME_CATEGORIES, OUTCOME_LABEL } from '../../cases/outcomes.js';
import { CARD_TEXT_MAX, userPlain, userText } from '../card-text.js';
import { remediationEnabled } from '../../cases/settings.js';
import { caseSuppression, SUPPRESS_DAYS, suppressionOffer } from '../../cases/suppress.js';
import type { LoadedCase } from '../../cases/store.js';


/** The remediations that fit a case's detections (sharing and forwarding only). */
export function remediationsFor(loaded: LoadedCase): { kind: string; title: string }[] {
  // A "do not view" case keeps no item id to act on; IT preserves the evidence, as the rule's runbook says.
  if (loaded.state.doNotView) return [];
  const families = new Set(loaded.state.detections.map((d) => d.family));
  const out: { kind: string; title: string }[] = [];
  if ([...families].some((f) => f.startsWith('sharing.public'))) out.push({ kind: 'remove-public-link', title: 'Remove the public link' });
  if ([...families].some((f) => f.startsWith('sharing.external'))) out.push({ kind: 'remove-external-access', title: 'Remove external access' });
  if ([...families].some((f) => f === 'email.external_forwarding')) out.push({ kind: 'turn-off-forwarding', title: 'Turn off forwarding' });
  return out;
}

/**
 * The data for the DSL channel card (cards/case-channel.json): plain English only. Never file contents,
 * message bodies or images; a "do not view" case carries no link to the item at all. Everything a person or
 * the directory wrote (names, what happened, notes, references) is wrapped as user text, shown literally.
 */
export function channelCardData(input: { loaded: LoadedCase; school: School; now: Date; people: readonly Person[]; notice?: string }) {
  const { loaded, school, now, people } = input;
  const { state, doc } = loaded;
  const tz = school.timezone;
  const byEmail = new Map(people.filter((p) => p.email).map((p) => [p.email as string, p]));
  // The card shows what the one case view model says (a "do not view" case's text is redacted there).
  const view = caseView(loaded, school, people, now);
  const status: CaseStatus = state.status;
  const open = status !== 'closed';
  const dpoHours = state.dpoDeadline ? Math.round((new Date(state.dpoDeadline).getTime() - now.getTime()) / 3_600_000) : null;
  // Shown whether or not the school lets Lantern act: when it does not, a press records a request for IT.
  const remediations = open ? remediationsFor(loaded).map((r) => ({ ...r, title: remediationEnabled(school) ? `${r.title} (preview)` : `${r.title} (ask IT)` })) : [];
  const offer = suppressionOffer(loaded);
  const suppressed = caseSuppression(state);
  return {
    caseId: doc.caseId,
    number: doc.number,
    title: `${doc.number} · ${SEVERITY_LABEL[state.severity]} · ${CATEGORY_LABEL[state.category].split(' — ')[0]}`,
    statusLabel: STATUS_LABEL[status],
    severityLabel: SEVERITY_LABEL[state.severity],
    severityStyle: state.severity === 'high' || state.severity === 'critical' ? 'attention' : state.severity === 'medium' ? 'warning' : 'default',
    categoryLabel: CATEGORY_LABEL[state.category],
    sourceLabel: SOURCE_LABEL[state.source],
    who: userText(view.who, CARD_TEXT_MAX.line),
    what: userText(view.summary, CARD_TEXT_MAX.long),
    where: userText(view.where, CARD_TEXT_MAX.short),
    when: view.when,
    openedAt: view.openedAt,
    reporter: userText(state.reporter?.name ?? 'Lantern', CARD_TEXT_MAX.short),
    assignee: userText(state.assignee?.name ?? 'Nobody yet', CARD_TEXT_MAX.short),
    outcome: userText(view.outcome ?? '', CARD_TEXT_MAX.line),
    hasOutcome: Boolean(view.outcome),
    doNotView: state.doNotView,
    hasDpoClock: Boolean(state.dpoDeadline) && open,
    canFlagBreach: view.breach.canFlag,
    canDecideBreach: view.breach.canDecide,
    hasBreachDecision: view.breach.decided,
    breachDecisionText: userText(view.breach.decision ? `Personal-data breach: ${view.breach.decision}.` : '', CARD_TEXT_MAX.line),
    dpoText: state.dpoDeadline
      ? `Possible personal-data breach: the data protection officer must decide whether to report it to the ICO by ${formatWhen(state.dpoDeadline, tz)}${dpoHours !== null && dpoHours >= 0 ? ` (${dpoHours} hours left)` : ' (the 72 hours have passed)'}.`
      : '',
    referrals: userText(view.referrals.map((r) => r.words).join('; ') || 'None', CARD_TEXT_MAX.line),
    actionsTaken: userText(view.actionsTaken.map((a) => `${a.words} (${a.when}, ${a.by})`).join('; ') || 'None', CARD_TEXT_MAX.line),
    childWords: userText(view.childWords ?? '', CARD_TEXT_MAX.long),
    hasChildWords: Boolean(view.childWords),
    outcomeChoices: OUTCOME_CATEGORIES.map((c) => ({ title: OUTCOME_LABEL[c], value: c })),
    linked: state.linkedCases.join(', ') || 'None',
    recent: view.timeline.slice(-5).map((l) => ({
      line: userText(`${l.when} — ${l.who} ${l.what}${l.note ? `: ${l.note.length > 200 ? `${l.note.slice(0, 200)}…` : l.note}` : ''}`, CARD_TEXT_MAX.short),
    })),
    notice: userText(input.notice ?? '', CARD_TEXT_MAX.line),
    hasNotice: Boolean(input.notice),
    isNew: status === 'new',
    isOpen: open,
    isClosed: !open,
    hasRemediations: remediations.length > 0,
    remediations: remediations.map((r) => ({ ...r, caseId: doc.caseId })),
    offerSuppression: Boolean(offer),
    suppressRule: offer?.ruleId ?? '',
    suppressReason: userPlain(offer?.reason ?? '', CARD_TEXT_MAX.line),
    suppressScopeChoices: (offer?.scopes ?? []).map((s) => ({ title: userPlain(s.title), value: s.value })),
    suppressScopeDefault: offer?.scopes[0]?.value ?? '',
    suppressDayChoices: SUPPRESS_DAYS.map((d) => ({ title: `${d} days`, value: String(d) })),
    hasSuppression: Boolean(suppressed),
    suppressionText: userText(suppressed ? `Similar alerts (${suppressed.ruleId}${suppressed.actor ? `, ${suppressed.actor}` : ''}${suppressed.objectId ? ', this item' : ''}) suppressed until ${formatWhen(suppressed.expiresAt, tz)} by ${suppressed.by}.` : '', CARD_TEXT_MAX.line),
    dslChoices: school.dsl.members.map((m) => ({ title: userPlain(byEmail.get(m.email)?.displayName ?? m.email), value: m.email })),
    agencyChoices: AGENCIES.map((a) => ({ title: AGENCY_LABEL[a], value: a })),
    // Nude or semi-nude images makes the case "do not view" (its earlier links and file names are removed).
    categoryChoices: [...CATEGORIES.map((c) => ({ title: CATEGORY_LABEL[c], value: c })), ...(state.doNotView ? [] : [{ title: NUDE_IMAGES_LABEL, value: NUDE_IMAGES }])],
    // Triage: the current values prefilled, so a change names only what the DSL means to change.
    severity: state.severity,
    category: state.category,
    severityChoices: SEVERITIES.map((s) => ({ title: SEVERITY_LABEL[s], value: s })),
    pupilNames: userPlain(pupilNamesText(state.subjects, people), CARD_TEXT_MAX.long),
    involvedText: userPlain(withoutLinks(state.involved ?? '', state.doNotView), CARD_TEXT_MAX.line),
  };
}
