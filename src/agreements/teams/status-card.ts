import type { School } from '../../config/load.js';
import type { Models } from '../../db/models.js';
import type { AdaptiveCardJson } from '../../teams/cards.js';
import { CARD_TEXT_MAX, userText } from '../../teams/card-text.js';
import { renderCard } from '../../teams/cards.js';
import { currentPupilVersions } from '../../google/classroom/status-lines.js';
import { storedClassroomStatus } from '../../google/classroom/status.js';
import { complianceFigures } from '../compliance.js';
import { localTime } from '../state.js';

/** The compliance card for the DSL or a policy owner (also the escalation card after the last reminder). */
export async function statusCard(
  models: Models,
  school: School,
  now: Date,
  options: { campaignIds?: string[]; teacherEmail?: string; classroomOnly?: boolean } = {},
): Promise<AdaptiveCardJson> {
  const rows = options.classroomOnly ? [] : await complianceFigures(models, school.id, now, options);
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
    showClassroom: classroomRows.length > 0,
    classroomRows,
  });
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
