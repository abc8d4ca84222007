import { z } from 'zod';
import { ROLES, YEAR_GROUPS } from '../directory/roles.js';

/** True when `tz` is an IANA time zone name this Node.js knows (e.g. Europe/London). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const domainPattern = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const Domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(domainPattern, { error: 'must be a domain name such as northgate.sch.uk (no scheme, no @, no path)' });

const Email = z.string().trim().toLowerCase().email({ error: 'must be an email address such as dsl@northgate.sch.uk' });

const TimeZone = z
  .string()
  .refine(isTimeZone, { error: 'must be an IANA time zone name such as Europe/London' });

/** True for an https URL, or a plain-http URL on the loopback interface (local stand-ins in tests). */
export function isHttpsOrLoopback(url: string): boolean {
  try {
    const { protocol, hostname } = new URL(url);
    return protocol === 'https:' || (protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(hostname));
  } catch {
    return false;
  }
}

/** Detection families (monitoring/types.ts FAMILIES), repeated here because config imports no capability. */
const FAMILY_IDS = [
  'sharing.public_link', 'sharing.external_user', 'sharing.ownership_transfer_external', 'sharing.calendar_public',
  'email.external_forwarding', 'email.malicious_inbound', 'account.compromise_signal', 'account.mfa_disabled',
  'account.privilege_grant', 'app.risky_oauth_grant', 'data.mass_download', 'data.mass_delete', 'content.indecent_image',
] as const;

const Guid = z.string().regex(uuidPattern, { error: 'must be a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47' });

export const DslMemberSchema = z.strictObject({
  email: Email,
  role: z.enum(['dsl', 'deputy', 'member'], { error: 'must be one of dsl, deputy, member' }).default('member'),
});

export const DslTeamSchema = z.strictObject({
  members: z.array(DslMemberSchema).min(1, { error: 'list at least one member of the DSL team' }),
  channel: z.strictObject({
    teamId: z.string().min(1, { error: 'set the Teams team id (groupId) that holds the DSL channel' }),
    channelId: z.string().min(1, { error: 'set the id of the private DSL channel, e.g. 19:…@thread.tacv2' }),
  }),
});

/** Who the members of a mapped OU or group are to the school (B3). */
const DirectoryTarget = {
  role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }),
  yearGroup: z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.enum(YEAR_GROUPS, { error: `must be one of ${YEAR_GROUPS.join(', ')}` })).optional(),
  form: z.string().trim().min(1, { error: 'must be the form name, e.g. Kestrels' }).optional(),
};

/** One Google mapping rule: an OU path (the OU and every OU below it) or a group's email. */
export const GoogleDirectoryRuleSchema = z
  .strictObject({
    orgUnit: z.string().trim().regex(/^\/.*/, { error: 'must be an OU path starting with /, e.g. /Pupils/Year 3/Kestrels' }).optional(),
    group: Email.optional(),
    ...DirectoryTarget,
  })
  .refine((r) => (r.orgUnit === undefined) !== (r.group === undefined), { error: 'set exactly one of orgUnit or group in each rule' });

/** One Entra mapping rule: a group's object id or its display name. */
export const EntraDirectoryRuleSchema = z
  .strictObject({
    groupId: Guid.optional(),
    group: z.string().trim().min(1, { error: "must be the group's display name" }).optional(),
    ...DirectoryTarget,
  })
  .refine((r) => (r.groupId === undefined) !== (r.group === undefined), { error: 'set exactly one of groupId or group (display name) in each rule' });

export const DirectorySchema = z.discriminatedUnion(
  'source',
  [
    z.strictObject({ source: z.literal('demo') }),
    z.strictObject({ source: z.literal('csv'), file: z.string().min(1, { error: 'set the path of the directory CSV file' }) }),
    z.strictObject({
      source: z.literal('google'),
      /** Rules in order; the first that matches a user decides their role. Users no rule matches are skipped. */
      rules: z.array(GoogleDirectoryRuleSchema).min(1, { error: 'list at least one rule, e.g. { orgUnit: /Staff, role: staff }' }),
      /** The administrator the service account acts as (default: google.adminSubject). */
      adminSubject: Email.optional(),
      /** Override of the Admin SDK root (https://admin.googleapis.com/), e.g. a stand-in in tests. */
      apiUrl: z.url().optional(),
    }),
    z.strictObject({
      source: z.literal('entra'),
      rules: z.array(EntraDirectoryRuleSchema).min(1, { error: 'list at least one rule, e.g. { groupId: …, role: staff }' }),
      /** Override of the Microsoft Graph root (default mail.microsoft.graphUrl). */
      graphUrl: z.url().optional(),
    }),
    z.strictObject({
      source: z.literal('wonde'),
      /** The school's Wonde id (e.g. A1234567890); the token comes from LANTERN_WONDE_TOKEN_<SCHOOL ID>. */
      schoolId: z.string().trim().regex(/^[A-Za-z0-9]{4,32}$/, { error: "must be the school's Wonde id, e.g. A1234567890" }),
      /**
       * Read SEN status, looked-after / previously looked-after and child-protection-plan flags, so detections
       * about those pupils are raised a step and the DSL sees why. Off unless the school turns it on.
       */
      vulnerableGroups: z.boolean({ error: 'must be true or false' }).default(false),
      /** Override of the Wonde API root (https://api.wonde.com/v1.0), e.g. a regional domain or a stand-in in tests. */
      apiUrl: z.url().optional(),
    }),
  ],
  { error: 'set source to demo, csv, google, entra or wonde' },
);

/** Google Reports API push channels (activities.watch); needs server.publicUrl on https. */
export const GooglePushSchema = z.strictObject({
  enabled: z.boolean({ error: 'must be true or false' }).default(false),
  /** Requested channel lifetime in hours (Google may shorten it). */
  channelHours: z.number().int().min(1, { error: 'must be at least 1 hour' }).max(24, { error: 'must be 24 hours or fewer' }).default(6),
  /** Start a replacement channel when the current one has less than this many minutes left. */
  renewBeforeMinutes: z.number().int().min(10, { error: 'must be at least 10 minutes' }).max(720).default(120),
});

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

/** The governors' weekly digest of one school (D1): when, to whom, and how it is sent. */
export const DigestSchema = z.strictObject({
  enabled: z.boolean().default(true),
  day: z.enum(WEEKDAYS, { error: `must be a day of the week: ${WEEKDAYS.join(', ')}` }).default('monday'),
  time: z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, { error: 'must be a 24-hour time such as 07:30' }).default('07:00'),
  recipients: z.array(Email).default([]),
  channel: z
    .strictObject({
      teamId: z.string().min(1, { error: "set the Teams team id (groupId) of the governors' team" }),
      channelId: z.string().min(1, { error: "set the governors' channel id, e.g. 19:…@thread.tacv2" }),
    })
    .optional(),
  transport: z.enum(['gmail', 'graph'], { error: 'must be gmail (Gmail API) or graph (Microsoft Graph sendMail)' }).default('gmail'),
  sender: Email.optional(),
  /** Superseded by `lantern fnm review` (a stored record); still read when no review is recorded. */
  annualReviewDate: z.iso.date({ error: 'must be the date of the last annual filtering and monitoring review, e.g. 2026-03-14' }).optional(),
});

/** Settings for sending mail as the school: Google service account (gmail) or a Microsoft Entra app (graph); secrets come from env. */
export const MailSettingsSchema = z.strictObject({
  google: z
    .strictObject({
      /** Override of the Gmail API root, e.g. a stand-in in tests. */
      apiUrl: z.url().optional(),
      /** Override of the OAuth token endpoint. */
      tokenUrl: z.url().optional(),
    })
    .default({}),
  microsoft: z
    .strictObject({
      tenantId: Guid.optional(),
      clientId: Guid.optional(),
      authorityHost: z.url().default('https://login.microsoftonline.com'),
      graphUrl: z.url().default('https://graph.microsoft.com/v1.0'),
    })
    .default({ authorityHost: 'https://login.microsoftonline.com', graphUrl: 'https://graph.microsoft.com/v1.0' }),
});

/** DSL case settings of one school (C1, C5, retention); every key has a default. */
export const CasesSettingsSchema = z.strictObject({
  /** Detections at or above this severity open (or join) a case. */
  openFromSeverity: z.enum(['low', 'medium', 'high', 'critical'], { error: 'must be one of low, medium, high, critical' }).default('medium'),
  /** A detection about the same object or subject joins an open case opened within this many hours. */
  joinWindowHours: z.number().int().min(1, { error: 'must be at least 1 hour' }).max(24 * 90).default(72),
  /** A high or critical case not acknowledged within this many minutes is escalated to the deputy DSL. */
  escalateAfterMinutes: z.number().int().min(1, { error: 'must be at least 1 minute' }).max(24 * 60).default(30),
  /**
   * Who is told, in order, after the deputy DSL when a high or critical case is still not acknowledged: the
   * head, then an out-of-hours contact (each in their Teams chat with Lantern). Each next rung is told
   * `escalationStepMinutes` after the one before, until someone acknowledges.
   */
  escalationLadder: z
    .array(
      z.strictObject({
        email: Email,
        role: z.string().trim().min(1, { error: 'say who this is, e.g. head teacher' }).max(60),
        /** How this rung is told: their Teams chat (default), an email to `email`, or both. */
        by: z.enum(['teams', 'email', 'both'], { error: 'must be teams, email or both' }).default('teams'),
      }),
    )
    .default([]),
  /** Minutes between one rung of the escalation ladder and the next. */
  escalationStepMinutes: z.number().int().min(1, { error: 'must be at least 1 minute' }).max(24 * 60).default(15),
  /** Who else to tell out of hours (shown on the escalation card). */
  outOfHoursContacts: z.array(z.strictObject({ name: z.string().min(1), phone: z.string().min(3) })).default([]),
  /** Years to keep a child-protection case after it opens when no date of birth is known (else DOB + 25 years). */
  retentionYearsWithoutDob: z.number().int().min(1).max(100, { error: 'must be 100 years or fewer' }).default(25),
  /** Years to keep other cases (false positives, security-only) after they close. */
  retentionYearsOther: z.number().int().min(1).max(100).default(7),
  /**
   * Where detections with no child, no pupil data and no safeguarding risk go, per family and severity
   * (e.g. `account.privilege_grant: { critical: dsl }`); unlisted rows go to IT. Changes made later with
   * `lantern monitor route` are logged with who and why and win over this.
   */
  routing: z
    .partialRecord(
      z.enum(FAMILY_IDS, { error: `must be a detection family: ${FAMILY_IDS.join(', ')}` }),
      z.partialRecord(z.enum(['low', 'medium', 'high', 'critical'], { error: 'must be one of low, medium, high, critical' }), z.enum(['dsl', 'it'], { error: 'must be dsl or it' })),
    )
    .default({}),
});

/** The school's IT team: where IT-only matters go instead of the DSL channel, and who may act on them. */
export const ItTeamSchema = z.strictObject({
  /** Who may see IT matters and send one to the DSL (the `it` role on the dashboard). */
  members: z.array(z.strictObject({ email: Email })).min(1, { error: 'list at least one member of the IT team' }),
  /** Optional: the IT team's shared address, sent a short notice (no names) for each new IT matter. */
  email: Email.optional(),
  /** The IT team's Teams channel, configured like the DSL channel. */
  channel: z
    .strictObject({
      teamId: z.string().min(1, { error: 'set the Teams team id (groupId) that holds the IT channel' }),
      channelId: z.string().min(1, { error: 'set the id of the IT channel, e.g. 19:…@thread.tacv2' }),
    })
    .optional(),
});

/** Remediation buttons (B6): off unless the school turns them on. */
export const RemediationSettingsSchema = z.strictObject({
  enabled: z.boolean({ error: 'must be true or false' }).default(false),
});

/** Reports API applications Lantern can monitor (B1). */
export const GOOGLE_AUDIT_APPLICATIONS = ['drive', 'login', 'token', 'admin', 'user_accounts', 'calendar', 'gmail'] as const;

/** Office 365 Management Activity API content types Lantern can monitor (B1). */
export const MS_CONTENT_TYPES = ['Audit.SharePoint', 'Audit.Exchange', 'Audit.AzureActiveDirectory', 'Audit.General'] as const;

/** Which Microsoft audit feeds a school monitors; every key has a default. */
export const MicrosoftMonitoringSchema = z.strictObject({
  enabled: z.boolean({ error: 'must be true or false' }).default(true),
  contentTypes: z.array(z.enum(MS_CONTENT_TYPES, { error: `must be one of ${MS_CONTENT_TYPES.join(', ')}` })).min(1).default([...MS_CONTENT_TYPES]),
  /** Also read Microsoft Graph auditLogs/signIns and auditLogs/directoryAudits (needs AuditLog.Read.All; signIns need Entra ID P1). */
  graph: z.boolean({ error: 'must be true or false' }).default(true),
  /** Also read Microsoft Graph security/alerts_v2 (needs SecurityAlert.Read.All): the "do not view" image rule reads them. */
  alerts: z.boolean({ error: 'must be true or false' }).default(true),
  /** Override of the Management Activity API root (https://manage.office.com), e.g. a national cloud or a stand-in in tests. */
  manageUrl: z.url().optional(),
  /** Override of the Microsoft Graph root (default mail.microsoft.graphUrl). */
  graphUrl: z.url().optional(),
  /** Override of the sign-in authority host (default mail.microsoft.authorityHost). */
  authorityHost: z.url().optional(),
});

/** Pupil agreements through Google Classroom (A4): which course belongs to which form or year group, and its teacher. */
export const ClassroomSchema = z.strictObject({
  courses: z
    .array(
      z
        .strictObject({
          courseId: z.string().regex(/^[0-9A-Za-z_-]{1,64}$/, { error: 'must be the Classroom course id (the number in the course URL)' }),
          form: z.string().min(1).optional(),
          yearGroup: z.string().min(1).optional(),
          /** The class teacher the service account acts as (domain-wide delegation); must teach the course. */
          teacher: Email,
        })
        .refine((c) => c.form || c.yearGroup, { error: 'set form or yearGroup, so Lantern knows which pupils the course holds' }),
    )
    .default([]),
  /** Days from posting to the assignment's due date. */
  dueInDays: z.number().int().min(1).max(90).default(14),
  /** The time of day the assignment is due, in the school's time zone (24-hour "HH:MM"). */
  dueTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a 24-hour time like 15:00 (school time)' }).default('15:00'),
  /** Override of the Classroom API root (https://classroom.googleapis.com/), e.g. a stand-in in tests. */
  apiUrl: z.url().optional(),
});

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Agreements (A2): the academic-year start, when yearly agreements are re-issued and signatures stop counting. */
export const AgreementsSettingsSchema = z.strictObject({
  /** Month and day (MM-DD) the academic year starts, in the school's time zone; 29 February is refused (not every year has one). */
  academicYearStart: z
    .string()
    .regex(/^\d{2}-\d{2}$/, { error: 'must be a month and day as MM-DD, e.g. 09-01 for 1 September' })
    .refine((v) => {
      const [m, d] = v.split('-').map(Number) as [number, number];
      return m >= 1 && m <= 12 && d >= 1 && d <= (DAYS_IN_MONTH[m - 1] ?? 0);
    }, { error: 'is not a day of the year: use MM-DD with a real date (not 29 February), e.g. 09-01' })
    .default('09-01'),
  /** Sign before access (issue #15): who sees the list of unsigned accounts, and the group kept in step with it. */
  unsigned: z
    .strictObject({
      /** IT staff who may see the "unsigned accounts" card, besides the DSL team and directory administrators. */
      it: z.array(Email).default([]),
      /** The group of unsigned accounts the school's access policies use: a Google group's email (google directory) or an Entra group's object id (entra directory). */
      group: z.string().trim().min(1, { error: "must be the group's email (Google) or object id (Entra)" }).optional(),
    })
    .optional(),
  /** Emailed single-use links for people without a school Teams account (visitors, contractors, some governors). */
  invites: z
    .strictObject({
      /** The school address the links come from (Gmail: the mailbox the service account acts as). */
      sender: Email.optional(),
      transport: z.enum(['gmail', 'graph'], { error: 'must be gmail (Gmail API) or graph (Microsoft Graph sendMail)' }).default('gmail'),
      /** Days an emailed link works. */
      linkDays: z.number().int().min(1, { error: 'must be at least 1 day' }).max(60, { error: 'must be 60 days or fewer' }).default(14),
    })
    .optional(),
});

/** Training, policy-review and filtering records (training reminders, how often IT checks the filter); every key has a default. */
export const RecordsSettingsSchema = z.strictObject({
  /** Days before a training runs out on which the person is reminded in Teams. */
  trainingReminderDays: z.array(z.number().int().min(1, { error: 'must be at least 1 day' }).max(365, { error: 'must be 365 days or fewer' })).default([30, 7]),
  /** The digest flags a missed filter check when the last one is older than this. */
  filterCheckEveryDays: z.number().int().min(1, { error: 'must be at least 1 day' }).max(366, { error: 'must be 366 days or fewer' }).default(31),
  /** Besides the DSL team, who may log filter checks on the Teams card (usually the IT manager). */
  filterCheckers: z.array(Email).default([]),
});

/** The school's data protection officer, told by email when a possible personal-data breach starts the 72-hour clock. */
export const DpoSchema = z.strictObject({
  name: z.string().trim().min(1, { error: "set the data protection officer's name" }).max(120),
  email: Email,
  /** Their Entra object id (optional), naming them in Teams. */
  aadObjectId: Guid.optional(),
  /** The school mailbox the emails come from (Gmail: the mailbox the service account acts as); default digest.sender. */
  sender: Email.optional(),
  transport: z.enum(['gmail', 'graph'], { error: 'must be gmail (Gmail API) or graph (Microsoft Graph sendMail)' }).default('gmail'),
});

/** Key stages, for a consent type asked only of some pupils (EYFS: nursery and reception). */
export const KEY_STAGES = ['EYFS', 'KS1', 'KS2', 'KS3', 'KS4', 'KS5'] as const;

// Ids the consent page already uses for its own fields; a consent type with one of them would clash.
const RESERVED_CONSENT_IDS = ['agreement', 'countersign', 'typed-name', 'read-aloud'];

/** One thing a school asks parents' consent for (A10): a stable id, a plain-words label and what parents are told. */
export const ConsentTypeSchema = z.strictObject({
  /** Kept with every stored answer: never reuse an id for a different question. */
  id: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,39}$/, { error: 'must be 2–40 lower-case letters, digits or hyphens, starting with a letter, e.g. website-photos' })
    .refine((id) => !RESERVED_CONSENT_IDS.includes(id), { error: `is used by the consent page itself: choose another id (not ${RESERVED_CONSENT_IDS.join(', ')})` }),
  /** The question's name, shown to parents, on the class lists and in the inspection pack. */
  label: z.string().trim().min(3, { error: 'set a short label parents understand, e.g. Photos on the school website' }).max(80, { error: 'must be 80 characters or fewer' }),
  /** What the school does and what it asks, in plain words, shown to parents under the label. */
  description: z.string().trim().min(10, { error: 'tell parents in a sentence or two what the school does and what it asks' }).max(600, { error: 'must be 600 characters or fewer' }),
  /** Ask only the parents of pupils in these year groups or key stages (default: every pupil). */
  appliesTo: z
    .strictObject({
      yearGroups: z.array(z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.enum(YEAR_GROUPS, { error: `must be one of ${YEAR_GROUPS.join(', ')}` }))).min(1).optional(),
      keyStages: z.array(z.enum(KEY_STAGES, { error: `must be one of ${KEY_STAGES.join(', ')}` })).min(1).optional(),
    })
    .refine((a) => a.yearGroups || a.keyStages, { error: 'set yearGroups or keyStages, or remove appliesTo to ask every parent' })
    .optional(),
});

/** A configured consent type. */
export type ConsentType = z.infer<typeof ConsentTypeSchema>;

/** What every school asked before consent types were configurable; a school that sets none keeps asking exactly this. */
export const DEFAULT_CONSENT_TYPES: readonly ConsentType[] = Object.freeze([
  {
    id: 'internet',
    label: 'Using the internet at school',
    description: 'Your child uses the internet in lessons, with filtering and an adult watching. Do you agree to this?',
  },
  {
    id: 'photos',
    label: 'Photos on the school website',
    description: 'Sometimes we put photos of class activities on our website. We never add a child’s full name. May we include your child?',
  },
]);

const ConsentTypesSchema = z
  .array(ConsentTypeSchema)
  .min(1, { error: 'list at least one consent type, or remove consentTypes to use the standard two (internet, photos)' })
  .superRefine((types, ctx) => {
    const seen = new Set<string>();
    types.forEach((t, i) => {
      if (seen.has(t.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `"${t.id}" is listed twice: each consent type needs its own id` });
      seen.add(t.id);
    });
  })
  .default(() => DEFAULT_CONSENT_TYPES.map((t) => ({ ...t })));

/** Parent consent by emailed link (A5). */
export const ParentsSchema = z.strictObject({
  /** What parents are asked to consent to (A10); default: using the internet at school, and photos on the website. */
  consentTypes: ConsentTypesSchema,
  /** Office staff who may see every class's "who may not appear" list in Teams, besides class teachers and the DSL team. */
  officeStaff: z.array(Email).default([]),
  /** Parent–pupil links from the MIS: a CSV with parentId,parentName,email,pupilId (relative to the config file). */
  linksCsv: z.string().min(1).optional(),
  /** Parent–pupil links written in the config file itself. */
  links: z.array(z.strictObject({ parentId: z.string().min(1), parentName: z.string().min(1), email: Email, pupilId: z.string().min(1) })).default([]),
  /** Days an emailed link works. */
  linkDays: z.number().int().min(1, { error: 'must be at least 1 day' }).max(60, { error: 'must be 60 days or fewer' }).default(14),
  /** Days after the first email on which parents who have not answered get a reminder with a fresh link. */
  reminderDays: z.array(z.number().int().min(1).max(60)).default([7]),
  /** The school address the emails come from (Gmail: the mailbox the service account acts as). */
  sender: Email.optional(),
  /** The school office's address: told the same day when a parent withdraws a consent. */
  officeEmail: Email.optional(),
  transport: z.enum(['gmail', 'graph'], { error: 'must be gmail (Gmail API) or graph (Microsoft Graph sendMail)' }).default('gmail'),
});

export const SchoolSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,31}$/, {
    error: 'must be 2–32 lower-case letters, digits or hyphens, e.g. northgate',
  }),
  name: z.string().trim().min(1, { error: 'set the school name shown to staff and governors' }),
  timezone: TimeZone.default('Europe/London'),
  caseNumberPrefix: z
    .string()
    .regex(/^[A-Z]{2,6}$/, { error: 'must be 2–6 capital letters, e.g. NGP' })
    .optional(),
  ownDomains: z.array(Domain).min(1, { error: "list the school's own email domains, e.g. [northgate.sch.uk]" }),
  trustedDomains: z.array(Domain).default([]),
  dsl: DslTeamSchema,
  it: ItTeamSchema.optional(),
  microsoft: z
    .strictObject({
      tenantId: Guid,
      /** The Entra app that reads the audit logs (default: mail.microsoft.clientId, then the bot's app). */
      clientId: Guid.optional(),
      /** Audit-log monitoring (B1); on when the school has a client secret (LANTERN_MS_CLIENT_SECRET or a per-school one). */
      monitoring: MicrosoftMonitoringSchema.optional(),
    })
    .optional(),
  google: z
    .strictObject({
      customerId: z.string().regex(/^C[0-9a-z]{5,}$/i, { error: 'must be the Google customer id, e.g. C03az79cb' }),
      /** A super admin (or reports admin) the service account acts as through domain-wide delegation; turns on audit-log monitoring. */
      adminSubject: Email.optional(),
      /** Reports API applications to monitor (default: all of them). */
      applications: z.array(z.enum(GOOGLE_AUDIT_APPLICATIONS, { error: `must be one of ${GOOGLE_AUDIT_APPLICATIONS.join(', ')}` })).min(1).optional(),
      /** Override of the Admin SDK root (https://admin.googleapis.com/), e.g. a stand-in in tests. */
      reportsUrl: z.url().optional(),
      /** Push notifications of new audit activity (B1); polling goes on regardless. */
      push: GooglePushSchema.optional(),
      /** Also read the Alert Center (needs the apps.alerts delegation): the "do not view" image rule reads its alerts. */
      alertCenter: z.boolean({ error: 'must be true or false' }).default(true),
      /** Override of the Alert Center API root (https://alertcenter.googleapis.com/), e.g. a stand-in in tests. */
      alertCenterUrl: z.url().optional(),
    })
    .optional(),
  directory: DirectorySchema.default({ source: 'demo' }),
  cases: CasesSettingsSchema.optional(),
  remediation: RemediationSettingsSchema.optional(),
  digest: DigestSchema.optional(),
  dpo: DpoSchema.optional(),
  classroom: ClassroomSchema.optional(),
  parents: ParentsSchema.optional(),
  agreements: AgreementsSettingsSchema.optional(),
  records: RecordsSettingsSchema.optional(),
});

/** Cross-key checks of a school's directory source and push settings, each naming its fix. */
function schoolSourceProblems(school: z.infer<typeof SchoolSchema>, publicUrl: string | undefined): Array<{ path: (string | number)[]; message: string }> {
  const out: Array<{ path: (string | number)[]; message: string }> = [];
  if (school.directory.source === 'google' && !school.directory.adminSubject && !school.google?.adminSubject) {
    out.push({ path: ['directory', 'adminSubject'], message: 'set directory.adminSubject (or google.adminSubject) to an administrator the service account acts as to read users and groups' });
  }
  if (school.directory.source === 'entra' && !school.microsoft?.tenantId) {
    out.push({ path: ['microsoft', 'tenantId'], message: 'set microsoft.tenantId: the entra directory source reads groups from that tenant' });
  }
  // IT and escalation emails come from the school's sender mailbox: without one they could never be sent.
  const hasSender = Boolean(school.digest?.sender || school.parents?.sender);
  if (school.it?.email && !hasSender) {
    out.push({ path: ['it', 'email'], message: 'IT notices are sent from the school’s sender mailbox: set digest.sender (or parents.sender), or remove it.email' });
  }
  (school.cases?.escalationLadder ?? []).forEach((rung, r) => {
    if (rung.by !== 'teams' && !hasSender) out.push({ path: ['cases', 'escalationLadder', r, 'by'], message: 'escalation emails are sent from the school’s sender mailbox: set digest.sender (or parents.sender), or use by: teams' });
  });
  const unsignedGroup = school.agreements?.unsigned?.group;
  if (unsignedGroup && school.directory.source !== 'google' && school.directory.source !== 'entra') {
    out.push({ path: ['agreements', 'unsigned', 'group'], message: 'the unsigned-accounts group is kept in Google Workspace or Entra: use it with directory source google or entra, or remove it' });
  }
  if (unsignedGroup && school.directory.source === 'entra' && !uuidPattern.test(unsignedGroup)) {
    out.push({ path: ['agreements', 'unsigned', 'group'], message: "must be the Entra group's object id (a GUID) with the entra directory source" });
  }
  if (school.dpo && !school.dpo.sender && !school.digest?.sender) {
    out.push({ path: ['dpo', 'sender'], message: 'set dpo.sender to the school mailbox the breach emails come from (or set digest.sender)' });
  }
  if (school.google?.push?.enabled && !publicUrl?.startsWith('https://')) {
    out.push({ path: ['google', 'push', 'enabled'], message: 'push needs server.publicUrl set to the public https address Google can post to (e.g. https://lantern.northgate.sch.uk); set it or turn push off' });
  }
  return out;
}

export const FileConfigSchema = z
  .strictObject({
    trust: z
      .strictObject({ id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,31}$/), name: z.string().min(1), digest: DigestSchema.optional() })
      .optional(),
    mail: MailSettingsSchema.optional(),
    schools: z.array(SchoolSchema).min(1, { error: 'list at least one school' }),
    server: z
      .strictObject({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(3978),
        publicUrl: z.url({ error: 'must be the https URL Teams and browsers reach Lantern at' }).optional(),
      })
      .default({ host: '127.0.0.1', port: 3978 }),
    bot: z
      .strictObject({
        appId: Guid.optional(),
        tenantId: Guid.optional(),
        /**
         * Where the Bot Framework publishes the keys that sign channel tokens (OpenID metadata, then its jwks_uri).
         * Default: Microsoft's public cloud; tests point it at a local stand-in.
         */
        openIdMetadataUrl: z
          .url({ error: 'must be the Bot Framework OpenID metadata URL, e.g. https://login.botframework.com/v1/.well-known/openidconfiguration' })
          .refine(isHttpsOrLoopback, { error: 'must use https (plain http only on 127.0.0.1 or localhost, for a local stand-in)' })
          .optional(),
      })
      .default({}),
    dataDir: z.string().min(1).default('.lantern/data'),
    /** Where the integrity key lives (outside the database); relative to the config file. */
    integrity: z.strictObject({ keyFile: z.string().min(1) }).optional(),
  })
  .superRefine((cfg, ctx) => {
    const seenIds = new Map<string, number>();
    const seenDomains = new Map<string, number>();
    cfg.schools.forEach((school, i) => {
      for (const problem of schoolSourceProblems(school, cfg.server.publicUrl)) ctx.addIssue({ code: 'custom', path: ['schools', i, ...problem.path], message: problem.message });
      const earlier = seenIds.get(school.id);
      if (earlier !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['schools', i, 'id'], message: `duplicates schools[${earlier}].id; give each school its own id` });
      }
      seenIds.set(school.id, i);
      school.ownDomains.forEach((d, j) => {
        const other = seenDomains.get(d);
        if (other !== undefined && other !== i) {
          ctx.addIssue({
            code: 'custom',
            path: ['schools', i, 'ownDomains', j],
            message: `${d} already belongs to schools[${other}]; a domain belongs to one school`,
          });
        }
        seenDomains.set(d, i);
      });
    });
  });

export type FileConfig = z.infer<typeof FileConfigSchema>;
export type SchoolConfig = z.infer<typeof SchoolSchema>;
export type DslTeam = z.infer<typeof DslTeamSchema>;
export type DigestConfig = z.infer<typeof DigestSchema>;
export type DpoConfig = z.infer<typeof DpoSchema>;
export type MailSettings = z.infer<typeof MailSettingsSchema>;
