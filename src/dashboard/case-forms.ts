import { AGENCIES, CATEGORIES, SEVERITIES, type Category, type Severity } from '../cases/case-model.js';
import { NUDE_IMAGES, NUDE_IMAGES_LABEL } from '../cases/do-not-view.js';
import { AGENCY_LABEL, CATEGORY_LABEL, SEVERITY_LABEL } from '../cases/labels.js';
import { OUTCOME_CATEGORIES, OUTCOME_LABEL } from '../cases/outcomes.js';
import { MAX_INFORMED, MAX_INVOLVED, MAX_TEXT } from '../cases/transitions.js';
import { html, type Html } from '../web/shared/html.js';

/** What the action forms need to know of a case beyond its view: where it stands and its current triage values. */
export interface CaseFormState {
  schoolId: string;
  number: string;
  csrf: string;
  isNew: boolean;
  isOpen: boolean;
  severity: Severity;
  category: Category;
  /** A "do not view" case no longer offers the nude-images choice: it is one already. */
  doNotView: boolean;
  pupilNames: string;
  involved: string;
  dsl: readonly { email: string; name: string }[];
}

function options(values: readonly (readonly [string, string])[], current = ''): Html[] {
  return values.map(([v, t]) => (v === current ? html`<option value="${v}" selected>${t}</option>` : html`<option value="${v}">${t}</option>`));
}

/** One form posting to an action of the table in case-actions.ts; ids are prefixed with the action so they stay unique. */
function actionForm(s: CaseFormState, action: string, title: string, fields: Html, button: string): Html {
  return html`<form method="post" action="/dashboard/${s.schoolId}/cases/${s.number}/actions/${action}" class="action" id="form-${action}" aria-labelledby="h-${action}">
<h3 id="h-${action}">${title}</h3>
<input type="hidden" name="_csrf" value="${s.csrf}">
${fields}
<p><button type="submit" class="button">${button}</button></p>
</form>`;
}

function textField(action: string, name: string, label: string, opts: { value?: string; multiline?: boolean; max?: number; required?: boolean; hint?: string } = {}): Html {
  const id = `${action}-${name}`;
  const hint = opts.hint ? html`<p class="muted" id="${id}-hint">${opts.hint}</p>` : html``;
  const described = opts.hint ? html` aria-describedby="${id}-hint"` : html``;
  const required = opts.required ? html` required` : html``;
  const control = opts.multiline
    ? html`<textarea id="${id}" name="${name}" maxlength="${opts.max ?? MAX_TEXT}"${described}${required}>${opts.value ?? ''}</textarea>`
    : html`<input type="text" id="${id}" name="${name}" maxlength="${opts.max ?? 200}" value="${opts.value ?? ''}"${described}${required}>`;
  return html`<label for="${id}" class="field"><strong>${label}</strong></label>${hint}${control}`;
}

function dateField(action: string, name: string, label: string): Html {
  return html`<label for="${action}-${name}" class="field"><strong>${label}</strong></label><input type="date" id="${action}-${name}" name="${name}">`;
}

function timeField(action: string, name: string, label: string): Html {
  return html`<label for="${action}-${name}" class="field"><strong>${label}</strong></label><input type="time" id="${action}-${name}" name="${name}">`;
}

function selectField(action: string, name: string, label: string, choices: Html[]): Html {
  return html`<label for="${action}-${name}" class="field"><strong>${label}</strong></label><select id="${action}-${name}" name="${name}" required>${choices}</select>`;
}

/**
 * The case card's actions as forms (everything but "add note", which has its own form): acknowledge, assign,
 * record an action taken, refer, close with an outcome, change severity / category and who is involved, link,
 * false positive; reopen once closed.
 */
export function caseActionForms(s: CaseFormState): Html {
  if (!s.isOpen) return actionForm(s, 'reopen', 'Reopen the case', textField('reopen', 'reason', 'Why reopen', { multiline: true, required: true }), 'Reopen case');
  const reason = (action: string) => textField(action, 'reason', 'Why you are changing it', { multiline: true, required: true, hint: 'Goes on the timeline with the change.' });
  return html`<h2 id="actions">Act on this case</h2>
<p class="muted">Each action goes on the case timeline with your name and the time, and the card in the DSL channel changes for everyone.</p>
${s.isNew ? actionForm(s, 'acknowledge', 'Acknowledge', html``, 'Acknowledge') : html``}
${actionForm(s, 'assign-me', 'Assign to me', html``, 'Assign to me')}
${actionForm(s, 'assign', 'Assign to someone on the DSL team', selectField('assign', 'assignTo', 'Assign to', options(s.dsl.map((m) => [m.email, m.name] as const))), 'Assign')}
${actionForm(s, 'reclassify', 'Change severity or category', html`${selectField('reclassify', 'severity', 'Severity', options(SEVERITIES.map((v) => [v, SEVERITY_LABEL[v]] as const), s.severity))}${selectField('reclassify', 'category', 'Category', options([...CATEGORIES.map((v) => [v, CATEGORY_LABEL[v]] as const), ...(s.doNotView ? [] : [[NUDE_IMAGES, NUDE_IMAGES_LABEL] as const])], s.category))}${reason('reclassify')}`, 'Change severity or category')}
${actionForm(s, 'people', 'Change who is involved', html`${textField('people', 'pupils', 'Pupils', { value: s.pupilNames, max: 3000, hint: 'As in the school directory, separated by ; — add the form when two pupils share a name, e.g. "Ava Adebayo (Kestrels)".' })}${textField('people', 'others', 'Others involved (staff, other adults)', { value: s.involved, max: MAX_INVOLVED })}${reason('people')}`, 'Change who is involved')}
${actionForm(s, 'action', 'Record an action taken', html`${textField('action', 'what', 'What was done', { multiline: true, required: true })}${textField('action', 'informed', 'Who was informed', { max: MAX_INFORMED, hint: 'Their role or name, e.g. "parent — mother", "class teacher". Leave empty if nobody was.' })}${dateField('action', 'date', 'Date (if not today)')}${timeField('action', 'time', 'Time (if known)')}`, 'Record action')}
${actionForm(s, 'refer', 'Record a referral', html`${selectField('refer', 'agency', 'Referred to', options(AGENCIES.map((a) => [a, AGENCY_LABEL[a]] as const)))}${textField('refer', 'reference', 'Their reference (if given)')}${dateField('refer', 'madeOn', 'Date of the referral (if not today)')}`, 'Record referral')}
${actionForm(s, 'link', 'Link to another case', textField('link', 'otherNumber', 'Other case number', { max: 40, required: true, hint: 'For example NGP-2026-0041. The link is recorded on both cases.' }), 'Link')}
${actionForm(s, 'close', 'Close the case', html`${selectField('close', 'outcomeCategory', 'Outcome', [html`<option value="">Choose the outcome</option>`, ...options(OUTCOME_CATEGORIES.map((c) => [c, OUTCOME_LABEL[c]] as const))])}${textField('close', 'outcome', 'What was decided and why', { multiline: true, required: true, hint: 'For "Other", say what the outcome was.' })}`, 'Close case')}
${actionForm(s, 'false-positive', 'Mark as a false positive', textField('false-positive', 'reason', 'Why this is a false positive', { multiline: true, required: true }), 'Mark false positive')}`;
}
