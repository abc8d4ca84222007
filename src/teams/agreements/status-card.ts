import type { School } from '../../config/load.js';
import type { Models } from '../../stores.js';
import type { AdaptiveCardJson } from '../cards.js';
import { CARD_TEXT_MAX, userText } from '../card-text.js';
import { renderCard } from '../cards.js';
import { currentPupilVersions } from '../../google/classroom/status-lines.js';
import { storedClassroomStatus } from '../../google/classroom/status.js';
import { calendarOf, type SchoolCalendar } from '../../agreements/academic-year.js';
import { SELF_SIGNING_ROLES } from '../../agreements/audience.js';
import { complianceFigures, policyStandings } from '../../agreements/compliance.js';
import { localTime } from '../../agreements/state.js';
import { visitorCounts, visitorLine, VISITORS_HEADING } from '../../agreements/visitors.js';

/** The compliance card for the DSL or a policy owner (also the escalation card after the last reminder). */
export async function statusCard(
  models: Models,
  school: School,
  now: Date,
  options: { campaignIds?: string[]; teacherEmail?: string; classroomOnly?: boolean; escalation?: boolean } = {},
): Promise<AdaptiveCardJson> {
  const calendar = calendarOf(school);
  const rows = options.classroomOnly ? [] : await complianceFigures(models, school.id, now, calendar, options);
  const escalation = options.escalation && options.campaignIds ? await escalationLists(models, school.id, now, calendar, options.campaignIds) : null;
  // Visitors sign at the kiosk or by link and belong to no audience: a line per policy, counts only (names: the inspection pack).
  const visitors = options.classroomOnly || escalation ? [] : await visitorCounts(models, school.id, now, calendar);
  const classroomRows = options.teacherEmail ? await teacherClassroomRows(models, school, options.teacherEmail) : [];
  const overdueNames = [...new Set(rows.flatMap((r) => r.overdueNames))];
  return renderCard('agreement-status', {
    schoolName: school.name,
    asOfLocal: localTime(now, school.timezone),
    rows: rows
      .filter((r) => !r.group.includes('('))
      .map((r) => ({ ...r, overdueText: r.overdue > 0 ? `, ${r.overdue} overdue` : '' })),
    overdueLine: userText(options.classroomOnly
      ? 'Pupils in your Classroom courses, from the last roster Lantern read.'
      : overdueNames.length > 0
        ? `Overdue: ${overdueNames.join(', ')}.`
        : rows.length > 0
          ? 'Nobody is overdue.'
          : 'No agreements are being collected at the moment.', CARD_TEXT_MAX.long),
    showEscalation: Boolean(escalation),
    notSignedCount: escalation?.notSigned.length ?? 0,
    notSignedNames: userText(escalation?.notSigned.join(', ') || 'nobody', CARD_TEXT_MAX.long),
    notReachedCount: escalation?.notReached.length ?? 0,
    notReachedNames: userText(escalation?.notReached.join(', ') || 'nobody', CARD_TEXT_MAX.long),
    notReachedColour: escalation?.notReached.length ? 'Attention' : 'Default',
    showVisitors: visitors.length > 0,
    visitorsHeading: VISITORS_HEADING,
    visitorRows: visitors.map((v) => ({ line: userText(visitorLine(v), CARD_TEXT_MAX.long) })),
    showClassroom: classroomRows.length > 0,
    classroomRows,
  });
}

/**
 * The adults still unsigned in these campaigns, split by whether a card ever reached them: "received and not
 * signed" needs a word from their manager, "never received a card" needs Lantern installed for them.
 */
async function escalationLists(models: Models, schoolId: string, now: Date, calendar: SchoolCalendar, campaignIds: string[]): Promise<{ notSigned: string[]; notReached: string[] }> {
  const [standings, results] = await Promise.all([
    policyStandings(models, schoolId, now, calendar, { campaignIds }),
    models.agreementSendResults.find({ campaignId: { $in: campaignIds }, status: 'sent', round: { $gte: 0 } }, { _id: 1, campaignId: 1, personId: 1 }).lean<{ _id: string; campaignId: string; personId: string }[]>(),
  ]);
  // Only the person's own cards (`<campaign>:<person>:<round>`), not a class prompt they had as a teacher (`<campaign>:<person>@<form>:<round>`).
  const received = new Set(results.filter((r) => r._id.startsWith(`${r.campaignId}:${r.personId}:`)).map((r) => r.personId));
  const notSigned: string[] = [];
  const notReached: string[] = [];
  for (const { people, done } of standings) {
    for (const p of people) {
      if (!SELF_SIGNING_ROLES.has(p.role) || done.has(p.personId)) continue;
      (received.has(p.personId) ? notSigned : notReached).push(p.displayName);
    }
  }
  return { notSigned, notReached };
}

/** The teacher's own Classroom courses for each current pupil agreement: counts only, from the stored rosters. */
async function teacherClassroomRows(models: Models, school: School, teacherEmail: string) {
  const out: { title: string; label: string; shouldSign: number; signed: number; notYet: number; problemText: string }[] = [];
  if (!school.classroom?.courses.some((c) => c.teacher === teacherEmail.toLowerCase())) return out;
  for (const version of await currentPupilVersions(models, school.id)) {
    for (const row of await storedClassroomStatus(models, school, version, teacherEmail)) {
      const r = row.reconciliation;
      out.push({
        title: version.title,
        label: row.form ?? `Year ${row.yearGroup ?? '?'}`,
        shouldSign: r?.shouldSign ?? 0,
        signed: r?.signed.length ?? 0,
        notYet: r?.notSigned.length ?? 0,
        problemText: row.problem ? ` (last sync failed: ${row.problem})` : '',
      });
    }
  }
  return out;
}
