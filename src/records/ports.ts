/** A reminder that someone's training runs out soon. */
export interface TrainingReminder {
  schoolId: string;
  personId: string;
  /** e.g. "Online-safety refresher". */
  label: string;
  expiresOn: Date;
}

/** Tells a person, where they work (Teams personal chat), that a training runs out soon; the Teams edge implements it. */
export interface TrainingReminderSender {
  /** `not-installed` when Lantern cannot reach the person (no Teams installation); the DSL list still shows them. */
  remind(reminder: TrainingReminder): Promise<'sent' | 'not-installed'>;
}
