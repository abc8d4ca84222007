/**
 * The parts of Wonde's records Lantern reads (https://docs.wonde.com/docs/api/sync#students and the sections on
 * employees, contacts, classes and deletions). Everything is optional: a field the school's approval does not
 * cover comes back null, and mapping never throws on one.
 */

/** Wonde's date object ({ date: "2015-04-12 00:00:00.000000", timezone_type, timezone }). */
export interface WondeDate {
  date?: string | null;
}

/** An `include` answer: the included object or list under `data`. */
export interface Included<T> {
  data?: T | null;
}

/** contact_details: only the email is read (no telephones, no addresses). */
export interface WondeContactDetails {
  emails?: { email?: string | null; primary?: string | null } | null;
}

/** A contact as included on a student, with the student–contact relationship. */
export interface WondeStudentContact {
  id?: string;
  forename?: string | null;
  surname?: string | null;
  relationship?: { relationship?: string | null; parental_responsibility?: boolean | null; priority?: number | string | null } | null;
  contact_details?: Included<WondeContactDetails>;
}

/** A student with year, registration, contacts, contact details and (when the school turns flags on) extended details. */
export interface WondeStudent {
  id?: string;
  forename?: string | null;
  surname?: string | null;
  date_of_birth?: WondeDate | null;
  year?: Included<{ code?: string | null; name?: string | null }>;
  registration?: Included<{ name?: string | null; description?: string | null }>;
  contact_details?: Included<WondeContactDetails>;
  contacts?: Included<WondeStudentContact[]>;
  extended_details?: Included<{ sen_status?: string | null; in_lea_care?: boolean | null; ever_in_care?: boolean | null; child_protection_plan?: boolean | null }>;
}

/** An employee with contact details, employment details and roles. */
export interface WondeEmployee {
  id?: string;
  title?: string | null;
  forename?: string | null;
  surname?: string | null;
  contact_details?: Included<WondeContactDetails>;
  employment_details?: Included<{ current?: boolean | null }>;
  roles?: Included<Array<{ name?: string | null; role?: string | null }>>;
}

/** A contact as listed by /contacts (read on an incremental sync for changed names and emails). */
export interface WondeContact {
  id?: string;
  forename?: string | null;
  surname?: string | null;
  contact_details?: Included<WondeContactDetails>;
}

/** A class with its teachers. */
export interface WondeClass {
  id?: string;
  name?: string | null;
  employees?: Included<Array<{ id?: string }>>;
}

/** A record Wonde removed (a leaver, a deleted contact). */
export interface WondeDeletion {
  id?: string;
  type?: string | null;
  restored_at?: WondeDate | null;
}
