import type { School } from '../config/load.js';
import { isDuplicateKey } from '../db/errors.js';
import type { Logger } from '../log/logger.js';
import type { Models } from '../stores.js';
import type { TrainingReminderSender } from './ports.js';
import { recordsSettings } from './settings.js';
import { latestByPersonAndKind } from './training.js';
import { TRAINING_KINDS } from './training-kinds.js';
import type { TrainingRecord } from './training-model.js';

const DAY = 86_400_000;

/**
 * Reminds each person whose latest training runs out within one of the school's reminder days. Only the
 * nearest reminder day that has started counts, so a late run sends one reminder, not several; the
 * reminder's id (record and day) is inserted first, so two runs never send the same one twice.
 */
export async function sendTrainingReminders(models: Pick<Models, 'trainingRecords' | 'trainingReminders'>, school: School, sender: TrainingReminderSender, now: Date, log: Logger): Promise<{ sent: number; notInstalled: number }> {
  const days = [...recordsSettings(school).trainingReminderDays].sort((a, b) => a - b);
  const furthest = days.at(-1);
  if (furthest === undefined) return { sent: 0, notInstalled: 0 };
  const horizon = new Date(now.getTime() + furthest * DAY);
  const records = await models.trainingRecords.find({ schoolId: school.id }).lean<TrainingRecord[]>();
  const counts = { sent: 0, notInstalled: 0 };
  for (const r of latestByPersonAndKind(records).values()) {
    if (!r.expiresOn || r.expiresOn <= now || r.expiresOn > horizon) continue;
    const left = (r.expiresOn.getTime() - now.getTime()) / DAY;
    const daysBefore = days.find((d) => left <= d);
    if (daysBefore === undefined) continue;
    const id = `${String(r._id)}:${daysBefore}`;
    try {
      await models.trainingReminders.create({ _id: id, schoolId: school.id, recordId: String(r._id), daysBefore, at: now, outcome: 'pending' });
    } catch (err) {
      if (isDuplicateKey(err)) continue;
      throw err;
    }
    let outcome: 'sent' | 'not-installed';
    try {
      outcome = await sender.remind({ schoolId: school.id, personId: r.personId, label: TRAINING_KINDS[r.kind].label, expiresOn: r.expiresOn });
    } catch (err) {
      // Released so tomorrow's run tries again; the other reminders still go today.
      await models.trainingReminders.deleteOne({ _id: id });
      log.warn({ schoolId: school.id, err }, 'training reminder not sent');
      continue;
    }
    await models.trainingReminders.updateOne({ _id: id }, { $set: { outcome } });
    if (outcome === 'sent') counts.sent += 1;
    else counts.notInstalled += 1;
  }
  log.info({ schoolId: school.id, ...counts }, 'training reminders');
  return counts;
}
