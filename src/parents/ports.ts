/** A parent's withdrawal of consent, as a class teacher is told it: counts and words only, no parent details. */
export interface WithdrawalNotice {
  schoolId: string;
  teacherId: string;
  pupilName: string;
  form: string;
  /** What was withdrawn, in plain words ("Photos on the school website"). */
  what: string;
  at: Date;
}

/** Tells a class teacher, in Teams, that a parent withdrew a consent; the Teams edge implements it. */
export interface WithdrawalNoticeSender {
  /** `not-installed` when Lantern cannot reach the teacher in Teams (the office email still goes). */
  tellTeacher(notice: WithdrawalNotice): Promise<'sent' | 'not-installed'>;
}
