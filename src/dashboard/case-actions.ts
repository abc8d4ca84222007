import { AGENCIES, SEVERITIES, type Agency, type Severity } from '../cases/case-model.js';
import { readCategoryChoice } from '../cases/do-not-view.js';
import { isOutcomeCategory } from '../cases/outcomes.js';
import { resolvePupilNames } from '../cases/pupil-names.js';
import { readWhen } from '../cases/when-known.js';
import type { Actor } from '../cases/timeline-model.js';
import type { CaseCommand } from '../cases/transitions.js';
import type { School } from '../config/load.js';
import type { DashboardContext } from './context.js';

/** What a dashboard action form hands over: its fields, the school, and who pressed it. */
export interface ActionForm {
  field(name: string): string;
  school: School;
  actor: Actor;
  ctx: DashboardContext;
}

/** One action of the case page: how its form becomes a case command (or why not), and what the page then says. */
export interface DashboardCaseAction {
  toCommand(form: ActionForm): CaseCommand | string | Promise<CaseCommand | string>;
  done: string;
}

async function dslMember(form: ActionForm, email: string): Promise<Actor | string> {
  if (!form.school.dsl.members.some((m) => m.email === email)) return 'Choose a member of the DSL team.';
  const person = await form.ctx.models.people.findOne({ schoolId: form.school.id, email }).lean();
  return { email, name: person?.displayName ?? email };
}

/**
 * Every action the case card offers, for the dashboard (`POST …/cases/:ref/actions/:action`). Each goes
 * through the same case command as the card, so it lands on the case's timeline the same way.
 */
export const DASHBOARD_CASE_ACTIONS: Readonly<Record<string, DashboardCaseAction>> = {
  acknowledge: { toCommand: () => ({ kind: 'acknowledge' }), done: 'You acknowledged the case.' },
  'assign-me': { toCommand: (f) => ({ kind: 'assign', to: f.actor }), done: 'The case is assigned to you.' },
  assign: {
    toCommand: async (f) => {
      const to = await dslMember(f, f.field('assignTo').trim().toLowerCase());
      return typeof to === 'string' ? to : { kind: 'assign', to };
    },
    done: 'The case was assigned.',
  },
  refer: {
    toCommand: (f) => {
      const agency = f.field('agency');
      if (!AGENCIES.includes(agency as Agency)) return 'Choose who the case was referred to.';
      return { kind: 'escalate', agency: agency as Agency, reference: f.field('reference'), madeOn: f.field('madeOn') };
    },
    done: 'The referral was recorded.',
  },
  action: {
    toCommand: (f) => {
      const date = f.field('date');
      const when = date ? readWhen(date, f.field('time'), f.school.timezone) : null;
      if (when === undefined) return 'Give the date of the action as a date.';
      return { kind: 'action', what: f.field('what'), informed: f.field('informed'), when };
    },
    done: 'The action was recorded.',
  },
  close: {
    toCommand: (f) => {
      const outcomeCategory = f.field('outcomeCategory');
      return isOutcomeCategory(outcomeCategory) ? { kind: 'close', outcomeCategory, outcome: f.field('outcome') } : 'Choose the outcome.';
    },
    done: 'The case is closed.',
  },
  reopen: { toCommand: (f) => ({ kind: 'reopen', reason: f.field('reason') }), done: 'The case is open again.' },
  link: {
    toCommand: (f) => {
      const other = f.field('otherNumber').trim().toUpperCase();
      return /^[A-Z]{2,6}-\d{4}-\d{4,}$/.test(other) ? { kind: 'link', otherNumber: other } : 'Type the other case number, e.g. NGP-2026-0041.';
    },
    done: 'The cases are linked, on both timelines.',
  },
  'false-positive': { toCommand: (f) => ({ kind: 'false-positive', reason: f.field('reason'), suppress: false }), done: 'The case is closed as a false positive.' },
  reclassify: {
    toCommand: (f) => {
      const severity = f.field('severity');
      const choice = readCategoryChoice(f.field('category'));
      if (!SEVERITIES.includes(severity as Severity) || !choice) return 'Choose a severity and a category.';
      return { kind: 'reclassify', severity: severity as Severity, category: choice.category, reason: f.field('reason'), doNotView: choice.doNotView };
    },
    done: 'The severity and category were changed.',
  },
  people: {
    toCommand: async (f) => {
      const subjects = await resolvePupilNames(f.ctx.models.people, f.school.id, f.field('pupils'));
      return typeof subjects === 'string' ? subjects : { kind: 'people', subjects, involved: f.field('others'), reason: f.field('reason') };
    },
    done: 'Who is involved was changed.',
  },
};
