import { paramText } from '../records/google-params.js';
import type { Rule } from '../rule.js';
import { makeGoogleEvent, PUPIL } from './fixtures.js';
import { who } from './helpers.js';

/** Google's grantee for "make available to public". */
function isPublicPrincipal(grantee: string): boolean {
  const g = grantee.toLowerCase();
  return g.startsWith('__public_principal__') || g.endsWith('@public.calendar.google.com');
}

/** A Google Calendar made public (anyone can see free/busy or details). */
export const sharingCalendarPublicGoogle: Rule = {
  id: 'sharing.calendar_public.google',
  family: 'sharing.calendar_public',
  source: 'google',
  title: 'Calendar made public',
  category: 'security',
  categoryLogic: 'security for staff (a public timetable shows where staff and classes are); conduct when a pupil does it',
  severity: 'medium',
  severityLogic: 'low when only free/busy is public, medium when event details are; raised one step when a pupil acts',
  foldWindowMinutes: 24 * 60,
  runbook: 'Ask the owner to turn off "Make available to public" for the calendar; check no pupil whereabouts or trip details were exposed.',
  triggers: [{ kind: 'google.reports.activity', applications: ['calendar'], events: ['change_calendar_acls'] }],
  evaluate(record, ctx) {
    if (record.kind !== 'google.reports.activity') return undefined;
    for (const ev of record.events) {
      if (ev.name !== 'change_calendar_acls' || !isPublicPrincipal(paramText(ev.parameters, 'grantee_email'))) continue;
      const level = paramText(ev.parameters, 'access_level').toLowerCase();
      if (level === 'none') continue; // public access removed
      const calendarId = paramText(ev.parameters, 'calendar_id');
      const freeBusy = level === 'freebusy' || level === 'free_busy_reader';
      return {
        summary: `${who(record.actor)} made a calendar public (${freeBusy ? 'free/busy times' : 'event details'} visible to anyone).`,
        target: 'public',
        ...(calendarId ? { objectId: calendarId } : {}),
        severity: freeBusy ? 'low' : 'medium',
        category: ctx.isPupil(record.actor) ? 'conduct' : 'security',
      };
    }
    return undefined;
  },
  samples: {
    positive: [
      { name: 'details public', records: [makeGoogleEvent('calendar', 'change_calendar_acls', { access_level: 'reader', grantee_email: '__public_principal__@public.calendar.google.com', calendar_id: 'j.smith@northgate.example' }, { type: 'calendar_change' })], expect: { severity: 'medium' } },
      { name: 'free/busy public by a pupil', records: [makeGoogleEvent('calendar', 'change_calendar_acls', { access_level: 'freebusy', grantee_email: '__public_principal__@public.calendar.google.com' }, { actor: PUPIL })], expect: { severity: 'medium', category: 'conduct' } },
    ],
    negative: [
      { name: 'public access removed', records: [makeGoogleEvent('calendar', 'change_calendar_acls', { access_level: 'none', grantee_email: '__public_principal__@public.calendar.google.com' })] },
      { name: 'shared with a colleague', records: [makeGoogleEvent('calendar', 'change_calendar_acls', { access_level: 'reader', grantee_email: 'r.okafor@northgate.example' })] },
    ],
  },
};
